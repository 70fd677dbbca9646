//! The one entry for buttons and modal submissions: it reads the `custom_id` and hands the
//! interaction to the area it belongs to. Nothing is kept in memory between the message and the
//! click: it all comes from the id and the database.
use poise::serenity_prelude as serenity;

use super::custom_id::CustomId;
use super::i18n::Lang;
use super::reply::respond_privately_or_log;
use super::{BotError, Data, answers, campaign_buttons, support, surveys};

pub async fn on_event(
    framework: poise::FrameworkContext<'_, Data, BotError>,
    event: &serenity::FullEvent,
) -> Result<(), BotError> {
    let serenity::FullEvent::InteractionCreate { interaction } = event else {
        return Ok(());
    };
    let ctx = framework.serenity_context;
    let data = framework.user_data().await;
    match interaction {
        serenity::Interaction::Component(click) => {
            let Some(id) = CustomId::parse(&click.data.custom_id) else {
                return Ok(());
            };
            let lang = Lang::of(Some(&click.locale));
            if let Err(e) = on_click(ctx, data, click, id, lang).await {
                respond_privately_or_log(ctx, click.id, &click.token, &e.message(lang)).await;
            }
        }
        serenity::Interaction::Modal(submit) => {
            let Some(id) = CustomId::parse(&submit.data.custom_id) else {
                return Ok(());
            };
            let lang = Lang::of(Some(&submit.locale));
            if let Err(e) = on_modal(ctx, data, submit, id, lang).await {
                respond_privately_or_log(ctx, submit.id, &submit.token, &e.message(lang)).await;
            }
        }
        _ => {}
    }
    Ok(())
}

async fn on_click(
    ctx: &serenity::Context,
    data: &Data,
    click: &serenity::ComponentInteraction,
    id: CustomId,
    lang: Lang,
) -> Result<(), BotError> {
    match id {
        CustomId::Confirm(token) => {
            campaign_buttons::confirm(ctx, data, click, token, false, lang).await
        }
        CustomId::TestNow(token) => {
            campaign_buttons::confirm(ctx, data, click, token, true, lang).await
        }
        CustomId::ConfirmAnswer(token) => answers::confirm(ctx, data, click, token, lang).await,
        CustomId::AddOptOut(name) => {
            let fix = campaign_buttons::DraftFix::AddOptOut;
            campaign_buttons::fix_draft(ctx, data, click, &name, fix, lang).await
        }
        CustomId::UseGsm7(name) => {
            let fix = campaign_buttons::DraftFix::PlainCharacters;
            campaign_buttons::fix_draft(ctx, data, click, &name, fix, lang).await
        }
        CustomId::AskCancel(name) => {
            campaign_buttons::ask_cancel(ctx, data, click, &name, lang).await
        }
        CustomId::ListPage(page) => campaign_buttons::list_page(ctx, data, click, page, lang).await,
        // Surveys come to DMs as well as servers.
        CustomId::Rate(survey, rating) => {
            surveys::rate(ctx, data, click, survey, rating, lang).await
        }
        CustomId::Review(survey) => surveys::open_review_form(ctx, click, survey, lang).await,
        CustomId::ContactAgain(survey) => {
            surveys::open_contact_form(ctx, click, survey, lang).await
        }
        CustomId::SupportNotice(request, accept) => {
            support::answer_notice(ctx, data, click, request, accept, lang).await
        }
        CustomId::Withdraw | CustomId::Export | CustomId::Erase => {
            support::privacy_button(ctx, data, click, id, lang).await
        }
        // Forms, not buttons.
        CustomId::CreateModal(_)
        | CustomId::EditModal(_)
        | CustomId::ReviewForm(_)
        | CustomId::ContactForm(_) => Ok(()),
    }
}

async fn on_modal(
    ctx: &serenity::Context,
    data: &Data,
    submit: &serenity::ModalInteraction,
    id: CustomId,
    lang: Lang,
) -> Result<(), BotError> {
    let field = |name: &str| {
        submit
            .data
            .components
            .iter()
            .flat_map(|row| row.components.iter())
            .find_map(|c| match c {
                serenity::ActionRowComponent::InputText(input) if input.custom_id == name => {
                    input.value.clone()
                }
                _ => None,
            })
    };
    match id {
        CustomId::ReviewForm(survey) => {
            let text = field("review").unwrap_or_default();
            surveys::submit_review(ctx, data, submit, survey, &text, lang).await
        }
        CustomId::ContactForm(survey) => {
            let question = field("question").unwrap_or_default();
            surveys::submit_contact_form(ctx, data, submit, survey, &question, lang).await
        }
        CustomId::CreateModal(_) | CustomId::EditModal(_) => {
            let body = field("body");
            let sender = field("sender").filter(|s| !s.trim().is_empty());
            campaign_buttons::draft_form(ctx, data, submit, id, body, sender, lang).await
        }
        _ => Ok(()),
    }
}
