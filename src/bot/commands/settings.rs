//! `/settings server`, `/settings support` and `/settings window`: the server's settings, for
//! managers.
use poise::serenity_prelude as serenity;

use super::autocomplete::zones;
use crate::app::AppError;
use crate::bot::access::{self, lang};
use crate::bot::i18n::fill;
use crate::bot::reply::ReplyPrivately;
use crate::bot::{BotError, Context};
use crate::domain::account::AccountSettings;
use crate::domain::effects::Actor;
use crate::domain::ids::RoleId;
use crate::domain::review_desk::{ModeratorsChannel, ReminderDelay};
use crate::domain::sender::ShortCode;
use crate::domain::short_links::LinkExpiry;

/// The server's settings (Manage Server).
///
/// Declared with Manage Server so that Discord shows it only to managers (server admins can
/// change who sees it in Integrations); the commands check it again when they run.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands("server", "support", "window", "replies", "moderators"),
    subcommand_required,
    name_localized("fr", "réglages"),
    description_localized("fr", "Les réglages du serveur (Gérer le serveur)")
)]
pub async fn settings(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Where messages phones send back are posted (Manage Server only).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "réponses"),
    description_localized(
        "fr",
        "Où publier les messages envoyés par les téléphones (Gérer le serveur)"
    )
)]
async fn replies(
    ctx: Context<'_>,
    #[description = "Channel where each number's replies go, one thread per number"]
    #[name_localized("fr", "salon")]
    #[description_localized("fr", "Salon où vont les réponses, un fil par numéro")]
    channel: serenity::ChannelId,
) -> Result<(), BotError> {
    let who = access::require_manager(ctx)?;
    let app = &ctx.data().app;
    app.ensure_account(who.account, &access::guild_name(ctx))
        .await?;
    let settings = AccountSettings {
        replies_channel: Some(crate::domain::ids::ChannelId(channel.get())),
        ..Default::default()
    };
    app.change_settings(who.account, settings, Actor::User(who.user))
        .await?;
    let text = fill(
        lang(ctx).texts().replies_saved,
        &[("channel", &channel.get())],
    );
    ctx.reply_private(text).await?;
    Ok(())
}

/// Where the moderators are reminded of versions waiting for review (Herald's team only).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "modérateurs"),
    description_localized(
        "fr",
        "Où rappeler aux modérateurs les versions qui attendent (équipe Herald seulement)"
    )
)]
async fn moderators(
    ctx: Context<'_>,
    #[description = "Channel for the reminders"]
    #[name_localized("fr", "salon")]
    #[description_localized("fr", "Salon des rappels")]
    channel: serenity::ChannelId,
    #[description = "Role to ping with each reminder"]
    #[name_localized("fr", "rôle")]
    #[description_localized("fr", "Rôle à notifier à chaque rappel")]
    role: Option<serenity::RoleId>,
    #[description = "Minutes a version waits before a reminder (default 30)"]
    #[name_localized("fr", "après")]
    #[description_localized("fr", "Minutes d'attente avant un rappel (30 par défaut)")]
    after: Option<i64>,
) -> Result<(), BotError> {
    let who = access::require_manager(ctx)?;
    let t = lang(ctx).texts();
    if ctx.data().moderators_server != Some(who.account.0) {
        return Err(BotError::User(t.err_not_moderators_server.to_owned()));
    }
    let after = match after {
        None => ReminderDelay::DEFAULT,
        Some(minutes) => ReminderDelay::minutes(minutes)
            .map_err(|_| BotError::User(fill(t.err_reminder_delay, &[("minutes", &minutes)])))?,
    };
    let desk = ModeratorsChannel {
        channel: crate::domain::ids::ChannelId(channel.get()),
        role: role.map(|r| RoleId(r.get())),
        after,
    };
    ctx.data().app.set_moderators_channel(desk).await?;
    let role = role
        .map(|r| format!(" (<@&{}>)", r.get()))
        .unwrap_or_default();
    let text = fill(
        t.moderators_saved,
        &[
            ("minutes", &after.as_minutes()),
            ("channel", &channel.get()),
            ("role", &role),
        ],
    );
    ctx.send(
        poise::CreateReply::default()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

/// Where support conversations open and who answers them (Manage Server only).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "assistance"),
    description_localized(
        "fr",
        "Où s'ouvrent les conversations d'assistance et qui y répond (Gérer le serveur)"
    )
)]
async fn support(
    ctx: Context<'_>,
    #[description = "Channel where private support threads open"]
    #[name_localized("fr", "salon")]
    #[description_localized("fr", "Salon où s'ouvrent les fils privés d'assistance")]
    channel: serenity::ChannelId,
    #[description = "Role that answers and closes them"]
    #[name_localized("fr", "rôle")]
    #[description_localized("fr", "Rôle qui y répond et les clôt")]
    role: Option<serenity::Role>,
) -> Result<(), BotError> {
    let who = access::require_manager(ctx)?;
    let app = &ctx.data().app;
    app.ensure_account(who.account, &access::guild_name(ctx))
        .await?;
    let settings = crate::store::SupportSettings {
        channel: Some(channel.get()),
        role: role.map(|r| RoleId(r.id.get())),
    };
    app.set_support_settings(who.account, settings).await?;
    ctx.reply_private(lang(ctx).texts().support_saved).await?;
    Ok(())
}

/// Server settings (Manage Server only).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "serveur"),
    description_localized("fr", "Réglages du serveur (permission Gérer le serveur)")
)]
#[allow(clippy::too_many_arguments)]
async fn server(
    ctx: Context<'_>,
    #[description = "Region national numbers are read in (two letters, e.g. FR)"]
    #[name_localized("fr", "région")]
    #[description_localized("fr", "Région des numéros nationaux (deux lettres, ex. FR)")]
    region: Option<String>,
    #[description = "Default time zone"]
    #[name_localized("fr", "fuseau")]
    #[description_localized("fr", "Fuseau horaire par défaut")]
    #[autocomplete = "zones"]
    timezone: Option<String>,
    #[description = "Default sender ID"]
    #[name_localized("fr", "expéditeur")]
    #[description_localized("fr", "Expéditeur par défaut")]
    sender: Option<String>,
    #[description = "Opt-out mention every message must carry, e.g. STOP au 36180"]
    #[name_localized("fr", "désinscription")]
    #[description_localized("fr", "Mention de désinscription obligatoire, ex. STOP au 36180")]
    opt_out: Option<String>,
    #[description = "Your French short code (36xxx or 38xxx): the only number allowed as sender"]
    #[name_localized("fr", "numéro_court")]
    #[description_localized(
        "fr",
        "Votre numéro court (36xxx ou 38xxx) : le seul numéro permis comme expéditeur"
    )]
    short_code: Option<String>,
    #[description = "Role allowed to send, schedule and cancel"]
    #[name_localized("fr", "rôle")]
    #[description_localized("fr", "Rôle autorisé à envoyer, programmer et annuler")]
    role: Option<serenity::Role>,
    #[description = "Days short links keep working after their message was sent (default 90)"]
    #[name_localized("fr", "jours_liens")]
    #[description_localized(
        "fr",
        "Jours pendant lesquels les liens courts fonctionnent après l'envoi (90 par défaut)"
    )]
    #[min = 1]
    #[max = 3650]
    link_days: Option<i64>,
) -> Result<(), BotError> {
    let who = access::require_manager(ctx)?;
    let link_expiry = match link_days.map(LinkExpiry::days) {
        None => None,
        Some(Ok(expiry)) => Some(expiry),
        Some(Err(e)) => {
            let text = fill(
                lang(ctx).texts().err_link_expiry,
                &[("given", &e.given), ("max", &LinkExpiry::MAX_DAYS)],
            );
            return Err(BotError::User(text));
        }
    };
    let app = &ctx.data().app;
    app.ensure_account(who.account, &access::guild_name(ctx))
        .await?;
    let settings = AccountSettings {
        region: region
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(AppError::from)?,
        zone: timezone
            .as_deref()
            .map(crate::domain::zone::Zone::parse)
            .transpose()
            .map_err(AppError::from)?,
        sender: sender
            .as_deref()
            .map(crate::domain::sender::SenderId::parse)
            .transpose()
            .map_err(AppError::from)?,
        opt_out_text: opt_out,
        send_role: role.map(|r| RoleId(r.id.get())),
        short_code: short_code
            .as_deref()
            .map(ShortCode::parse)
            .transpose()
            .map_err(AppError::from)?,
        link_expiry,
        ..Default::default()
    };
    app.change_settings(who.account, settings, Actor::User(who.user))
        .await?;
    ctx.reply_private(lang(ctx).texts().server_saved).await?;
    Ok(())
}

/// The sending window a country's messages follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub enum WindowChoice {
    #[name = "France's rule: Monday to Saturday, 08:00-20:00, no public holidays"]
    #[name_localized(
        "fr",
        "Règle française : lundi au samedi, 08:00-20:00, hors jours fériés"
    )]
    French,
    #[name = "No window: messages go at any hour"]
    #[name_localized("fr", "Aucune plage : les messages partent à toute heure")]
    None,
}

/// When messages to a foreign country may go (Manage Server only; France keeps its rule).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "plage"),
    description_localized(
        "fr",
        "Quand partent les messages vers un pays étranger (Gérer le serveur ; la France garde sa règle)"
    )
)]
async fn window(
    ctx: Context<'_>,
    #[description = "Country, as its two-letter code (BE, CH, US...)"]
    #[name_localized("fr", "pays")]
    #[description_localized("fr", "Pays, en code à deux lettres (BE, CH, US...)")]
    country: String,
    #[description = "The rule its messages follow"]
    #[name_localized("fr", "règle")]
    #[description_localized("fr", "La règle que suivent ses messages")]
    rule: WindowChoice,
) -> Result<(), BotError> {
    let who = access::require_manager(ctx)?;
    let app = &ctx.data().app;
    app.ensure_account(who.account, &access::guild_name(ctx))
        .await?;
    let lifted = rule == WindowChoice::None;
    app.set_window(who.account, &country, lifted, Actor::User(who.user))
        .await?;
    let t = lang(ctx).texts();
    let state = if lifted {
        t.window_lifted
    } else {
        t.window_french
    };
    let region = country.trim().to_uppercase();
    let saved = fill(t.window_saved, &[("region", &region), ("state", &state)]);
    ctx.reply_private(saved).await?;
    Ok(())
}
