//! `/optout`: the server's opt-out list, number by number, imported from another tool or
//! exported as CSV.
use std::io::Cursor;

use poise::serenity_prelude as serenity;

use crate::bot::access::{self, lang};
use crate::bot::i18n::{Lang, fill};
use crate::bot::reply::ReplyPrivately;
use crate::bot::{BotError, Context, render};
use crate::domain::effects::Actor;
use crate::domain::opt_out::{OptOutEntry, OptOutReason};

/// Numbers that never get a message from this server.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("add", "remove", "check", "import", "export"),
    subcommand_required,
    name_localized("fr", "opposition"),
    description_localized("fr", "Numéros qui ne reçoivent plus aucun message de ce serveur")
)]
pub async fn optout(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Put a number on the opt-out list.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "ajouter"),
    description_localized("fr", "Mettre un numéro dans la liste d'opposition")
)]
async fn add(
    ctx: Context<'_>,
    #[description = "Phone number"]
    #[name_localized("fr", "numero")]
    #[description_localized("fr", "Numéro de téléphone")]
    number: String,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let entry = ctx
        .data()
        .app
        .opt_out(who.account, &number, Actor::User(who.user))
        .await?;
    let l = lang(ctx);
    ctx.reply_private(describe(l.texts().optout_listed, &entry, l))
        .await?;
    Ok(())
}

/// Take a number off the opt-out list (a number that answered STOP needs a reason).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "retirer"),
    description_localized(
        "fr",
        "Retirer un numéro de la liste d'opposition (un STOP demande une raison)"
    )
)]
async fn remove(
    ctx: Context<'_>,
    #[description = "Phone number"]
    #[name_localized("fr", "numero")]
    #[description_localized("fr", "Numéro de téléphone")]
    number: String,
    #[description = "Why it may receive messages again (kept in the audit log)"]
    #[name_localized("fr", "raison")]
    #[description_localized(
        "fr",
        "Pourquoi il peut de nouveau recevoir des messages (conservé dans le journal d'audit)"
    )]
    reason: Option<String>,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let entry = ctx
        .data()
        .app
        .remove_opt_out(
            who.account,
            &number,
            reason.as_deref(),
            Actor::User(who.user),
        )
        .await?;
    let text = fill(
        lang(ctx).texts().optout_removed,
        &[("number", &entry.phone)],
    );
    ctx.reply_private(text).await?;
    Ok(())
}

/// Whether a number is on the opt-out list, since when and why.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "verifier"),
    description_localized(
        "fr",
        "Savoir si un numéro est dans la liste d'opposition, depuis quand et pourquoi"
    )
)]
async fn check(
    ctx: Context<'_>,
    #[description = "Phone number"]
    #[name_localized("fr", "numero")]
    #[description_localized("fr", "Numéro de téléphone")]
    number: String,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let l = lang(ctx);
    let t = l.texts();
    let text = match ctx.data().app.opt_out_entry(who.account, &number).await? {
        Some(entry) => describe(t.optout_listed, &entry, l),
        None => fill(t.err_opt_out_not_listed, &[("number", &number.trim())]),
    };
    ctx.reply_private(text).await?;
    Ok(())
}

/// Import another tool's opt-out list (a CSV file with a phone column).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "importer"),
    description_localized(
        "fr",
        "Importer la liste d'opposition d'un autre outil (un CSV avec une colonne de numéros)"
    )
)]
async fn import(
    ctx: Context<'_>,
    #[description = "CSV file of phone numbers"]
    #[name_localized("fr", "fichier")]
    #[description_localized("fr", "Fichier CSV de numéros")]
    file: serenity::Attachment,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let bytes = super::campaign::download_csv(ctx, &file).await?;
    let l = lang(ctx);
    let report = ctx
        .data()
        .app
        .import_opt_outs(who.account, Cursor::new(bytes), Actor::User(who.user))
        .await?;
    ctx.reply_private(render::opt_out_import(&report, l))
        .await?;
    Ok(())
}

/// The whole opt-out list as a CSV file.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "exporter"),
    description_localized("fr", "Toute la liste d'opposition, en fichier CSV")
)]
async fn export(ctx: Context<'_>) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    ctx.defer_ephemeral().await?;
    let mut csv = Vec::new();
    let count = ctx
        .data()
        .app
        .export_opt_outs(who.account, &mut csv)
        .await?;
    let t = lang(ctx).texts();
    let reply = poise::CreateReply::default()
        .content(fill(t.optout_exported, &[("count", &count)]))
        .attachment(serenity::CreateAttachment::bytes(csv, "opt-outs.csv"))
        .ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}

/// "+33612345678 is on the opt-out list since …: answered STOP."
fn describe(template: &str, entry: &OptOutEntry, lang: Lang) -> String {
    let t = lang.texts();
    let why = match (entry.reason, &entry.by) {
        (OptOutReason::Stop, _) => t.optout_reason_stop.to_owned(),
        (OptOutReason::Imported, _) => t.optout_reason_imported.to_owned(),
        (OptOutReason::PermanentFailure, _) => t.optout_reason_failure.to_owned(),
        (OptOutReason::Manual, Some(Actor::User(user))) => {
            fill(t.optout_reason_by, &[("by", &format!("<@{}>", user.0))])
        }
        (OptOutReason::Manual, _) => t.optout_reason_manual.to_owned(),
    };
    fill(
        template,
        &[
            ("number", &entry.phone),
            ("since", &format!("<t:{}:f>", entry.since.timestamp())),
            ("reason", &why),
        ],
    )
}
