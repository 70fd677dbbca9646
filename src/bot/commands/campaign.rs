//! `/campaign …`: create, edit, recipients, finalize, cancel, status, list.
use std::io::Cursor;
use std::sync::atomic::Ordering;

use poise::serenity_prelude as serenity;

use crate::bot::reply::ReplyPrivately;

use crate::app::{AppError, FinalizeOptions, ImportOptions, SendRequest};
use crate::bot::access::{self, lang};
use crate::bot::campaign_buttons;
use crate::bot::custom_id::CustomId;
use crate::bot::i18n::Lang;
use crate::bot::i18n::fill;
use crate::bot::render;
use crate::bot::{BotError, Context};
use crate::domain::campaign::{CampaignError, ConfirmationToken};

/// The largest CSV accepted as an attachment (about a million numbers).
const MAX_ATTACHMENT_BYTES: u32 = 25 * 1024 * 1024;

/// Create, prepare and follow SMS campaigns.
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "create",
        "edit",
        "duplicate",
        "recipients",
        "test",
        "finalize",
        "cancel",
        "status",
        "report",
        "list"
    ),
    subcommand_required,
    name_localized("fr", "campagne"),
    description_localized("fr", "Créer, préparer et suivre des campagnes SMS")
)]
pub async fn campaign(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Create a draft campaign (opens a form for its message).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "créer"),
    description_localized(
        "fr",
        "Créer une campagne en brouillon (ouvre un formulaire pour son message)"
    )
)]
async fn create(
    ctx: Context<'_>,
    #[description = "Campaign name"]
    #[name_localized("fr", "nom")]
    #[description_localized("fr", "Nom de la campagne")]
    name: String,
) -> Result<(), BotError> {
    access::require_sender(ctx).await?;
    let name =
        crate::domain::ids::CampaignName::parse(&name).map_err(crate::app::AppError::from)?;
    show_modal(
        ctx,
        CustomId::CreateModal(name.to_string()),
        lang(ctx).texts().modal_title_create,
        None,
        None,
    )
    .await
}

/// A CSV attachment's bytes, refused with a clear message when too large or unreadable; the
/// reply is deferred first (downloading and importing can take longer than Discord's 3 s).
pub(super) async fn download_csv(
    ctx: Context<'_>,
    file: &serenity::Attachment,
) -> Result<Vec<u8>, BotError> {
    let l = lang(ctx);
    let t = l.texts();
    if file.size > MAX_ATTACHMENT_BYTES {
        let size = l.decimal(f64::from(file.size) / 1_048_576.0, 1);
        let max = MAX_ATTACHMENT_BYTES / 1_048_576;
        return Err(BotError::User(fill(
            t.attachment_too_large,
            &[("size", &size), ("max", &max)],
        )));
    }
    ctx.defer_ephemeral().await?;
    file.download().await.map_err(|e| {
        tracing::warn!(error = %e, "attachment download failed");
        BotError::User(t.attachment_unreadable.to_owned())
    })
}

/// Copy a campaign's message, sender and recipients into a new draft.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "dupliquer"),
    description_localized(
        "fr",
        "Copier le message, l'expéditeur et les destinataires d'une campagne dans un nouveau brouillon"
    )
)]
async fn duplicate(
    ctx: Context<'_>,
    #[description = "Campaign to copy"]
    #[name_localized("fr", "nom")]
    #[description_localized("fr", "Campagne à copier")]
    #[autocomplete = "super::autocomplete::campaign_names"]
    name: String,
    #[description = "Name of the new draft"]
    #[name_localized("fr", "nouveau_nom")]
    #[description_localized("fr", "Nom du nouveau brouillon")]
    new_name: String,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let status = ctx
        .data()
        .app
        .duplicate_campaign(who, &name, &new_name)
        .await?;
    let text = fill(
        lang(ctx).texts().duplicated,
        &[
            ("name", &status.name),
            ("source", &name.trim()),
            ("recipients", &status.draft_recipients.unwrap_or(0)),
        ],
    );
    ctx.reply_private(text).await?;
    Ok(())
}

/// Change a draft's message or sender.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "modifier"),
    description_localized("fr", "Modifier le message ou l'expéditeur d'un brouillon")
)]
async fn edit(
    ctx: Context<'_>,
    #[description = "Campaign name"]
    #[name_localized("fr", "nom")]
    #[description_localized("fr", "Nom de la campagne")]
    #[autocomplete = "super::autocomplete::campaign_names"]
    name: String,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let draft = ctx.data().app.draft(who, &name).await?;
    show_modal(
        ctx,
        CustomId::EditModal(draft.name),
        lang(ctx).texts().modal_title_edit,
        draft.body,
        draft.sender,
    )
    .await
}

async fn show_modal(
    ctx: Context<'_>,
    id: CustomId,
    title: &str,
    body: Option<String>,
    sender: Option<String>,
) -> Result<(), BotError> {
    let poise::Context::Application(actx) = ctx else {
        return Ok(());
    };
    let t = lang(ctx).texts();
    let mut body_input =
        serenity::CreateInputText::new(serenity::InputTextStyle::Paragraph, t.modal_body, "body")
            .max_length(4000);
    if let Some(body) = body {
        body_input = body_input.value(body);
    }
    let mut sender_input =
        serenity::CreateInputText::new(serenity::InputTextStyle::Short, t.modal_sender, "sender")
            .required(false)
            .max_length(16);
    if let Some(sender) = sender {
        sender_input = sender_input.value(sender);
    }
    let modal = serenity::CreateModal::new(id.to_string(), title).components(vec![
        serenity::CreateActionRow::InputText(body_input),
        serenity::CreateActionRow::InputText(sender_input),
    ]);
    actx.interaction
        .create_response(
            ctx.http(),
            serenity::CreateInteractionResponse::Modal(modal),
        )
        .await?;
    actx.has_sent_initial_response.store(true, Ordering::SeqCst);
    Ok(())
}

/// Set the recipients: a CSV file (a phone column, other columns as merge fields) or audiences.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "destinataires"),
    description_localized(
        "fr",
        "Destinataires : un fichier CSV (numéros, autres colonnes = champs de fusion) ou des audiences"
    )
)]
async fn recipients(
    ctx: Context<'_>,
    #[description = "Campaign name"]
    #[name_localized("fr", "nom")]
    #[description_localized("fr", "Nom de la campagne")]
    #[autocomplete = "super::autocomplete::campaign_names"]
    name: String,
    #[description = "CSV file of phone numbers"]
    #[name_localized("fr", "fichier")]
    #[description_localized("fr", "Fichier CSV de numéros")]
    file: Option<serenity::Attachment>,
    #[description = "Also import landlines, toll-free and other numbers that can't receive SMS"]
    #[name_localized("fr", "garder_non_mobiles")]
    #[description_localized(
        "fr",
        "Importer aussi les fixes, numéros verts et autres numéros qui ne reçoivent pas de SMS"
    )]
    keep_not_mobile: Option<bool>,
    #[description = "Or audiences to send to, separated by commas"]
    #[description_localized("fr", "Ou les audiences destinataires, séparées par des virgules")]
    #[autocomplete = "super::autocomplete::audience_names"]
    audience: Option<String>,
    #[description = "Audiences whose numbers are left out, separated by commas"]
    #[name_localized("fr", "exclure")]
    #[description_localized(
        "fr",
        "Audiences dont les numéros sont retirés, séparées par des virgules"
    )]
    #[autocomplete = "super::autocomplete::audience_names"]
    exclude: Option<String>,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let l = lang(ctx);
    let file = match (file, audience) {
        (Some(file), None) if exclude.is_none() => file,
        (None, Some(audience)) => {
            ctx.defer_ephemeral().await?;
            let names = |list: &str| -> Vec<String> {
                list.split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .collect()
            };
            let include = names(&audience);
            let excluded = exclude.as_deref().map(names).unwrap_or_default();
            let include_names: Vec<&str> = include.iter().map(String::as_str).collect();
            let exclude_names: Vec<&str> = excluded.iter().map(String::as_str).collect();
            let selection = ctx
                .data()
                .app
                .use_audiences(who, &name, &include_names, &exclude_names)
                .await?;
            let text = fill(
                l.texts().audience_selected,
                &[
                    ("name", &name.trim()),
                    ("count", &selection.recipients),
                    ("audiences", &include.join(", ")),
                    ("excluded", &selection.excluded),
                    ("several", &selection.in_several),
                ],
            );
            ctx.reply_private(text).await?;
            return Ok(());
        }
        _ => {
            return Err(BotError::User(
                l.texts().recipients_file_or_audience.to_owned(),
            ));
        }
    };
    let bytes = download_csv(ctx, &file).await?;
    let report = ctx
        .data()
        .app
        .import_recipients(
            who,
            &name,
            Cursor::new(bytes),
            ImportOptions {
                keep_not_mobile: keep_not_mobile.unwrap_or(false),
            },
        )
        .await?;
    ctx.reply_private(render::import_report(&name, &report, lang(ctx)))
        .await?;
    Ok(())
}

/// Send the draft to up to 5 numbers as a test (priced, then confirmed with the button).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "tester"),
    description_localized(
        "fr",
        "Envoyer le brouillon à 5 numéros au plus, en test (avec son coût, puis confirmé par le bouton)"
    )
)]
async fn test(
    ctx: Context<'_>,
    #[description = "Campaign name"]
    #[name_localized("fr", "nom")]
    #[description_localized("fr", "Nom de la campagne")]
    #[autocomplete = "super::autocomplete::campaign_names"]
    name: String,
    #[description = "Up to 5 phone numbers, separated by commas"]
    #[name_localized("fr", "numeros")]
    #[description_localized("fr", "Jusqu'à 5 numéros, séparés par des virgules")]
    numbers: String,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let l = lang(ctx);
    let summary = ctx.data().app.prepare_test(who, &name, &numbers).await?;
    let mut buttons = vec![confirm_button(&summary.token, l)];
    if !summary.waiting.is_empty() {
        buttons.push(render::button(
            &CustomId::TestNow(summary.token.as_str().to_owned()),
            l.texts().button_send_test_now,
            serenity::ButtonStyle::Danger,
        ));
    }
    ctx.reply_private_with(
        render::test_summary(&summary, l),
        vec![serenity::CreateActionRow::Buttons(buttons)],
    )
    .await?;
    Ok(())
}

/// Check and price a campaign, then confirm it with the button.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "finaliser"),
    description_localized(
        "fr",
        "Vérifier et chiffrer une campagne, puis la confirmer par le bouton"
    )
)]
async fn finalize(
    ctx: Context<'_>,
    #[description = "Campaign name"]
    #[name_localized("fr", "nom")]
    #[description_localized("fr", "Nom de la campagne")]
    #[autocomplete = "super::autocomplete::campaign_names"]
    name: String,
    #[description = "Send date (YYYY-MM-DD); leave empty to send right after validation"]
    #[description_localized(
        "fr",
        "Date d'envoi (AAAA-MM-JJ) ; vide pour envoyer dès la validation"
    )]
    date: Option<String>,
    #[description = "Send time (HH:MM)"]
    #[name_localized("fr", "heure")]
    #[description_localized("fr", "Heure d'envoi (HH:MM)")]
    time: Option<String>,
    #[description = "Time zone (default: yours, then the server's)"]
    #[name_localized("fr", "fuseau")]
    #[description_localized("fr", "Fuseau horaire (par défaut : le vôtre, puis celui du serveur)")]
    #[autocomplete = "super::autocomplete::zones"]
    timezone: Option<String>,
    #[description = "Leave out the recipients whose personalised message can't be written"]
    #[name_localized("fr", "exclure_incomplets")]
    #[description_localized(
        "fr",
        "Exclure les destinataires dont le message personnalisé ne peut pas être écrit"
    )]
    leave_out: Option<bool>,
    #[description = "Send links as written, without short links counting clicks"]
    #[name_localized("fr", "liens_tels_quels")]
    #[description_localized(
        "fr",
        "Envoyer les liens tels quels, sans liens courts qui comptent les clics"
    )]
    keep_links: Option<bool>,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let l = lang(ctx);
    if let Some(locale) = ctx.locale() {
        ctx.data().app.remember_locale(who.user, locale).await?;
    }
    let when = match (date, time) {
        (None, None) => SendRequest::Immediate,
        (Some(date), Some(time)) => {
            let zone = match timezone {
                Some(z) => Some(z),
                None => ctx
                    .data()
                    .app
                    .user_zone(who.user)
                    .await?
                    .map(|z| z.name().to_owned()),
            };
            SendRequest::Scheduled { date, time, zone }
        }
        _ => return Err(BotError::User(l.texts().date_and_time_together.to_owned())),
    };
    ctx.defer_ephemeral().await?;
    let options = FinalizeOptions {
        leave_out: leave_out.unwrap_or(false),
        keep_links: keep_links.unwrap_or(false),
    };
    let summary = match ctx
        .data()
        .app
        .finalize_with(who, &name, when, options)
        .await
    {
        Err(AppError::Campaign(CampaignError::MissingOptOut {
            mention,
            offer: Some(offer),
        })) => {
            let t = l.texts();
            let mention = mention.unwrap_or_default();
            let add = render::button(
                &CustomId::AddOptOut(name.clone()),
                &fill(t.button_add_opt_out, &[("mention", &mention)]),
                serenity::ButtonStyle::Primary,
            );
            let text = render::missing_opt_out(&mention, &offer, l);
            ctx.reply_private_with(text, vec![serenity::CreateActionRow::Buttons(vec![add])])
                .await?;
            return Ok(());
        }
        other => other?,
    };
    let mut buttons = vec![confirm_button(&summary.token, l)];
    if summary.gsm7_offer.is_some() {
        buttons.push(render::button(
            &CustomId::UseGsm7(name.clone()),
            l.texts().button_use_gsm7,
            serenity::ButtonStyle::Secondary,
        ));
    }
    ctx.reply_private_with(
        render::summary(&summary, l),
        vec![serenity::CreateActionRow::Buttons(buttons)],
    )
    .await?;
    Ok(())
}

/// Take a submitted campaign back to draft (asks for confirmation).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "annuler"),
    description_localized(
        "fr",
        "Remettre une campagne soumise en brouillon (demande confirmation)"
    )
)]
async fn cancel(
    ctx: Context<'_>,
    #[description = "Campaign name"]
    #[name_localized("fr", "nom")]
    #[description_localized("fr", "Nom de la campagne")]
    #[autocomplete = "super::autocomplete::campaign_names"]
    name: String,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let (text, rows) =
        campaign_buttons::cancel_prompt(ctx.data(), who, &name, access::is_manager(ctx), lang(ctx))
            .await?;
    ctx.reply_private_with(text, rows).await?;
    Ok(())
}

/// A summary and its Confirm button, shown to the requester only.
fn confirm_button(token: &ConfirmationToken, l: Lang) -> serenity::CreateButton {
    render::button(
        &CustomId::Confirm(token.as_str().to_owned()),
        l.texts().confirm,
        serenity::ButtonStyle::Success,
    )
}

/// Discord's attachment limit for a bot without boosts, with room to spare.
const MAX_REPORT_BYTES: usize = 8 * 1024 * 1024;

/// What the latest version did: a summary and each recipient's result as a CSV file.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "rapport"),
    description_localized(
        "fr",
        "Ce qu'a donné la dernière version : un résumé et le résultat de chaque destinataire en CSV"
    )
)]
async fn report(
    ctx: Context<'_>,
    #[description = "Campaign name"]
    #[name_localized("fr", "nom")]
    #[description_localized("fr", "Nom de la campagne")]
    #[autocomplete = "super::autocomplete::campaign_names"]
    name: String,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    ctx.defer_ephemeral().await?;
    let mut csv = Vec::new();
    let summary = ctx.data().app.export_results(who, &name, &mut csv).await?;
    let l = lang(ctx);
    let mut reply = poise::CreateReply::default()
        .ephemeral(true)
        .embed(render::results(&summary, l));
    if csv.len() <= MAX_REPORT_BYTES {
        let file = format!("{}-v{}-results.csv", summary.campaign, summary.version)
            .replace(|c: char| !c.is_alphanumeric() && c != '-' && c != '.', "_");
        reply = reply.attachment(serenity::CreateAttachment::bytes(csv, file));
    } else {
        reply = reply.content(l.texts().report_too_large);
    }
    ctx.send(reply).await?;
    Ok(())
}

/// Show a campaign's state, version and progress.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "statut"),
    description_localized("fr", "Voir l'état, la version et l'avancement d'une campagne")
)]
async fn status(
    ctx: Context<'_>,
    #[description = "Campaign name"]
    #[name_localized("fr", "nom")]
    #[description_localized("fr", "Nom de la campagne")]
    #[autocomplete = "super::autocomplete::campaign_names"]
    name: String,
) -> Result<(), BotError> {
    let who = access::requester(ctx)?;
    let status = ctx.data().app.status(who, &name).await?;
    let (text, rows) = render::status(&status, lang(ctx));
    ctx.reply_private_with(text, rows).await?;
    Ok(())
}

/// List the server's campaigns.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "liste"),
    description_localized("fr", "Lister les campagnes du serveur")
)]
async fn list(ctx: Context<'_>) -> Result<(), BotError> {
    let who = access::requester(ctx)?;
    let (items, total) = ctx.data().app.list(who, 0, render::LIST_PAGE_SIZE).await?;
    let (text, rows) = render::list_page(&items, total, 0, lang(ctx));
    ctx.reply_private_with(text, rows).await?;
    Ok(())
}
