//! `/audience`: contact lists kept between campaigns (import, list, show, delete).
use std::io::Cursor;

use crate::app::{AudienceView, ImportOptions};
use crate::bot::access::{self, lang};
use crate::bot::i18n::errors::field_list;
use crate::bot::i18n::{Lang, fill};
use crate::bot::reply::ReplyPrivately;
use crate::bot::{BotError, Context, render};
use crate::domain::audience::ImportMode;
use poise::serenity_prelude as serenity;

/// Contact lists kept for your campaigns.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("import", "list", "show", "delete"),
    subcommand_required,
    description_localized("fr", "Listes de contacts gardées pour vos campagnes")
)]
pub async fn audience(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// What an import does with an audience that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub enum ModeChoice {
    #[name = "create: a new audience (refused if the name is taken)"]
    #[name_localized("fr", "create : une nouvelle audience (refusé si le nom est pris)")]
    Create,
    #[name = "replace: the file becomes the whole audience"]
    #[name_localized("fr", "replace : le fichier devient toute l'audience")]
    Replace,
    #[name = "merge: add the file's numbers, update those there (empty cells keep old values)"]
    #[name_localized(
        "fr",
        "merge : ajouter les numéros, mettre à jour les présents (cellule vide : valeur gardée)"
    )]
    Merge,
}

/// Import a CSV into an audience (a phone column, any other columns become merge fields).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "importer"),
    description_localized(
        "fr",
        "Importer un CSV dans une audience (numéros, autres colonnes en champs de fusion)"
    )
)]
async fn import(
    ctx: Context<'_>,
    #[description = "Audience name"]
    #[name_localized("fr", "nom")]
    #[description_localized("fr", "Nom de l'audience")]
    name: String,
    #[description = "CSV file: a phone column, then any columns (prenom, ville...)"]
    #[name_localized("fr", "fichier")]
    #[description_localized(
        "fr",
        "Fichier CSV : une colonne de numéros, puis toutes colonnes (prenom, ville...)"
    )]
    file: serenity::Attachment,
    #[description = "When the audience exists: replace it or merge into it"]
    #[description_localized("fr", "Si l'audience existe : la remplacer ou y fusionner")]
    mode: Option<ModeChoice>,
    #[description = "Also import landlines, toll-free and other numbers that can't receive SMS"]
    #[name_localized("fr", "garder_non_mobiles")]
    #[description_localized(
        "fr",
        "Importer aussi les fixes, numéros verts et autres numéros qui ne reçoivent pas de SMS"
    )]
    keep_not_mobile: Option<bool>,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let bytes = super::campaign::download_csv(ctx, &file).await?;
    let mode = match mode {
        None | Some(ModeChoice::Create) => ImportMode::Create,
        Some(ModeChoice::Replace) => ImportMode::Replace,
        Some(ModeChoice::Merge) => ImportMode::Merge,
    };
    let options = ImportOptions {
        keep_not_mobile: keep_not_mobile.unwrap_or(false),
    };
    let imported = ctx
        .data()
        .app
        .import_audience(who, &name, Cursor::new(bytes), mode, options)
        .await?;
    let l = lang(ctx);
    let a = &imported.audience;
    let template = match mode {
        ImportMode::Replace => l.texts().audience_replaced,
        _ => l.texts().audience_imported,
    };
    let mut text = fill(
        template,
        &[
            ("name", &a.name),
            ("total", &a.recipients),
            ("from_file", &a.last_import.from_file),
            ("added", &a.last_import.added),
            ("updated", &a.last_import.updated),
        ],
    );
    text.push('\n');
    text.push_str(&render::import_details(&imported.report, l));
    ctx.reply_private(text).await?;
    Ok(())
}

/// This server's audiences.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "liste"),
    description_localized("fr", "Les audiences de ce serveur")
)]
async fn list(ctx: Context<'_>) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let audiences = ctx.data().app.audiences(who.account).await?;
    let l = lang(ctx);
    let t = l.texts();
    if audiences.is_empty() {
        ctx.reply_private(t.audience_none.to_owned()).await?;
        return Ok(());
    }
    let mut lines = vec![fill(t.audience_list_title, &[("count", &audiences.len())])];
    for a in &audiences {
        lines.push(fill(
            t.audience_list_line,
            &[
                ("name", &a.name),
                ("recipients", &a.recipients),
                ("columns", &columns(a, l)),
                ("imported", &render::relative_time(a.imported_at)),
            ],
        ));
    }
    ctx.reply_private(render::fit_message(lines)).await?;
    Ok(())
}

/// An audience's counts, columns and last import.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "voir"),
    description_localized("fr", "Les nombres, colonnes et dernier import d'une audience")
)]
async fn show(
    ctx: Context<'_>,
    #[description = "Audience name"]
    #[name_localized("fr", "nom")]
    #[description_localized("fr", "Nom de l'audience")]
    #[autocomplete = "super::autocomplete::audience_names"]
    name: String,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let a = ctx.data().app.audience(who.account, &name).await?;
    let l = lang(ctx);
    let i = &a.last_import;
    let text = fill(
        l.texts().audience_show,
        &[
            ("name", &a.name),
            ("recipients", &a.recipients),
            ("columns", &columns(&a, l)),
            ("created", &render::full_time(a.created_at)),
            ("imported", &render::full_time(a.imported_at)),
            ("by", &format!("<@{}>", a.imported_by.0)),
            ("mode", &i.mode),
            ("from_file", &i.from_file),
            ("added", &i.added),
            ("updated", &i.updated),
            ("invalid", &i.invalid.count),
            ("duplicates", &i.duplicates.count),
            ("opted_out", &i.opted_out.count),
            ("not_mobile", &i.not_mobile.count),
        ],
    );
    ctx.reply_private(text).await?;
    Ok(())
}

/// Delete an audience (versions already confirmed keep their recipients).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "supprimer"),
    description_localized(
        "fr",
        "Supprimer une audience (les versions déjà confirmées gardent leurs destinataires)"
    )
)]
async fn delete(
    ctx: Context<'_>,
    #[description = "Audience name"]
    #[name_localized("fr", "nom")]
    #[description_localized("fr", "Nom de l'audience")]
    #[autocomplete = "super::autocomplete::audience_names"]
    name: String,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    ctx.data().app.delete_audience(who, &name).await?;
    let text = fill(
        lang(ctx).texts().audience_deleted,
        &[("name", &name.trim())],
    );
    ctx.reply_private(text).await?;
    Ok(())
}

fn columns(a: &AudienceView, l: Lang) -> String {
    if a.columns.is_empty() {
        l.texts().audience_no_columns.to_owned()
    } else {
        field_list(&a.columns)
    }
}
