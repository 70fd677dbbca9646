//! The survey after an interaction: five rating buttons, the follow-up that fits the answer,
//! and the public review form offered to every rater.
use poise::serenity_prelude as serenity;

use super::custom_id::CustomId;
use super::i18n::{Lang, fill};
use super::reply::{respond_privately, update_message};
use super::{BotError, Data, render};
use crate::domain::consent::Notice;
use crate::domain::ids::{SurveyId, UserId};
use crate::domain::survey::{FollowUp, ReviewText};

/// Version of the review notice; bump it whenever its text changes.
const REVIEW_NOTICE_VERSION: &str = "review-2026-11";

/// The question and its five buttons, added under a notification.
pub fn question(survey: SurveyId, lang: Lang) -> (String, Vec<serenity::CreateActionRow>) {
    let buttons = (1..=5u8)
        .map(|n| {
            render::button(
                &CustomId::Rate(survey, n),
                &n.to_string(),
                serenity::ButtonStyle::Secondary,
            )
        })
        .collect();
    (
        lang.texts().survey_question.to_owned(),
        vec![serenity::CreateActionRow::Buttons(buttons)],
    )
}

/// A rating button: the survey's message becomes the follow-up.
pub async fn rate(
    ctx: &serenity::Context,
    data: &Data,
    click: &serenity::ComponentInteraction,
    survey: SurveyId,
    rating: u8,
    lang: Lang,
) -> Result<(), BotError> {
    let t = lang.texts();
    let user = UserId(click.user.id.get());
    let answer = data
        .app
        .answer_survey(survey, user, i64::from(rating))
        .await?;
    let follow_up = match answer.follow_up {
        FollowUp::Apology => t.survey_sorry,
        FollowUp::Thanks => t.survey_thanks,
    };
    let follow_up = fill(follow_up, &[("rating", &answer.rating.value())]);
    // The notification stays; the question gives way to the follow-up.
    let original = click.message.content.as_str();
    let kept = original
        .rsplit_once("\n\n")
        .map_or(original, |(before, _)| before);
    let mut buttons = Vec::new();
    if answer.follow_up == FollowUp::Apology {
        buttons.push(render::button(
            &CustomId::ContactAgain(survey),
            t.contact_again,
            serenity::ButtonStyle::Primary,
        ));
    }
    let mut follow_up = follow_up;
    if answer.invite_public_review {
        // Shown before the form opens: sending the form is agreeing to it.
        follow_up = format!("{follow_up}\n{}\n-# {}", t.share_publicly, t.review_notice);
        buttons.push(render::button(
            &CustomId::Review(survey),
            t.share_publicly,
            serenity::ButtonStyle::Secondary,
        ));
    }
    let rows = match buttons.is_empty() {
        true => Vec::new(),
        false => vec![serenity::CreateActionRow::Buttons(buttons)],
    };
    update_message(ctx, click, format!("{kept}\n\n{follow_up}"), rows).await
}

/// A one-field form opened from a button.
async fn open_form(
    ctx: &serenity::Context,
    click: &serenity::ComponentInteraction,
    id: CustomId,
    title: &str,
    field: serenity::CreateInputText,
) -> Result<(), BotError> {
    let modal = serenity::CreateModal::new(id.to_string(), title)
        .components(vec![serenity::CreateActionRow::InputText(field)]);
    click
        .create_response(&ctx.http, serenity::CreateInteractionResponse::Modal(modal))
        .await?;
    Ok(())
}

/// "Share your opinion publicly?": the form, whose title and notice say it may be published.
pub async fn open_review_form(
    ctx: &serenity::Context,
    click: &serenity::ComponentInteraction,
    survey: SurveyId,
    lang: Lang,
) -> Result<(), BotError> {
    let t = lang.texts();
    let notice = serenity::CreateInputText::new(
        serenity::InputTextStyle::Paragraph,
        t.review_label,
        "review",
    )
    .placeholder(truncate(t.review_notice, 100))
    .min_length(1)
    .max_length(ReviewText::MAX_CHARS as u16)
    .required(true);
    open_form(
        ctx,
        click,
        CustomId::ReviewForm(survey),
        t.review_title,
        notice,
    )
    .await
}

/// "Contact our team again": a form for the question, then the usual support path (the
/// notice first unless consent stands).
pub async fn open_contact_form(
    ctx: &serenity::Context,
    click: &serenity::ComponentInteraction,
    survey: SurveyId,
    lang: Lang,
) -> Result<(), BotError> {
    let t = lang.texts();
    let input = serenity::CreateInputText::new(
        serenity::InputTextStyle::Paragraph,
        t.contact_label,
        "question",
    )
    .min_length(1)
    .max_length(crate::domain::support::SupportQuestion::MAX_CHARS as u16)
    .required(true);
    open_form(
        ctx,
        click,
        CustomId::ContactForm(survey),
        t.contact_title,
        input,
    )
    .await
}

pub async fn submit_contact_form(
    ctx: &serenity::Context,
    data: &Data,
    submit: &serenity::ModalInteraction,
    survey: SurveyId,
    question: &str,
    lang: Lang,
) -> Result<(), BotError> {
    let t = lang.texts();
    let user = UserId(submit.user.id.get());
    let account = data.app.survey_account(survey, user).await?;
    let message = match data.app.request_support(account, user, question).await? {
        crate::app::support::SupportStart::NeedsConsent { request } => {
            let (text, rows) = super::support::notice_prompt(request, lang);
            serenity::CreateInteractionResponseMessage::new()
                .content(text)
                .components(rows)
        }
        crate::app::support::SupportStart::Open(opening) => {
            let thread =
                super::support::open_thread(&ctx.http, data, &submit.user, &opening, lang).await?;
            let text = fill(t.support_opened, &[("thread", &thread.get())]);
            serenity::CreateInteractionResponseMessage::new().content(text)
        }
    };
    respond_privately(ctx, submit.id, &submit.token, message).await
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max - 1) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// The notice a reviewer agreed to, as recorded with their consent.
fn review_notice(lang: Lang) -> Notice {
    let version = format!("{REVIEW_NOTICE_VERSION}-{}", lang.code());
    Notice::of(version, lang.texts().review_notice)
}

/// The review form sent: stored with the consent to publish it.
pub async fn submit_review(
    ctx: &serenity::Context,
    data: &Data,
    submit: &serenity::ModalInteraction,
    survey: SurveyId,
    text: &str,
    lang: Lang,
) -> Result<(), BotError> {
    let t = lang.texts();
    data.app
        .share_review(
            survey,
            UserId(submit.user.id.get()),
            text,
            review_notice(lang),
            Some(submit.id.to_string()),
        )
        .await?;
    let message = serenity::CreateInteractionResponseMessage::new()
        .content(format!("{}\n-# {}", t.review_thanks, t.review_notice));
    respond_privately(ctx, submit.id, &submit.token, message).await
}
