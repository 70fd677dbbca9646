//! Who may do what: sending, scheduling and cancelling need the server's sending role or the
//! Manage Server permission; server settings need Manage Server.
use poise::serenity_prelude as serenity;

use super::i18n::Lang;
use super::{BotError, Context};
use crate::app::Requester;
use crate::domain::ids::{AccountId, ChannelId, RoleId, UserId};

/// The server, user and channel of a guild interaction.
pub fn requester(ctx: Context<'_>) -> Result<Requester, BotError> {
    let guild = ctx
        .guild_id()
        .ok_or_else(|| BotError::User(lang(ctx).texts().guild_only.to_owned()))?;
    Ok(Requester {
        account: AccountId(guild.get()),
        user: UserId(ctx.author().id.get()),
        channel: Some(ChannelId(ctx.channel_id().get())),
    })
}

/// The server, user and channel of a click or a form (which may come from a DM: refused then).
pub fn interaction_requester(
    guild: Option<serenity::GuildId>,
    user: &serenity::User,
    channel: serenity::ChannelId,
    lang: Lang,
) -> Result<Requester, BotError> {
    let guild = guild.ok_or_else(|| BotError::User(lang.texts().guild_only.to_owned()))?;
    Ok(Requester {
        account: AccountId(guild.get()),
        user: UserId(user.id.get()),
        channel: Some(ChannelId(channel.get())),
    })
}

pub fn lang(ctx: Context<'_>) -> Lang {
    Lang::of(ctx.locale())
}

pub fn member(ctx: Context<'_>) -> Option<&serenity::Member> {
    match ctx {
        poise::Context::Application(a) => a.interaction.member.as_deref(),
        poise::Context::Prefix(_) => None,
    }
}

/// The name a person goes by in this server: their server nickname, else their global name,
/// else their user name.
pub fn display_name(member: Option<&serenity::Member>, user: &serenity::User) -> String {
    member
        .and_then(|m| m.nick.clone())
        .or_else(|| user.global_name.clone())
        .unwrap_or_else(|| user.name.clone())
}

/// Keeps the name the author goes by, for the console; a failure is only logged.
pub async fn remember_name(ctx: Context<'_>) {
    let Some(guild) = ctx.guild_id() else { return };
    let name = display_name(member(ctx), ctx.author());
    if let Err(e) = ctx
        .data()
        .app
        .remember_name(AccountId(guild.get()), UserId(ctx.author().id.get()), &name)
        .await
    {
        tracing::warn!(error = %e, "could not keep a display name");
    }
}

/// Manage Server, as Discord resolved it for this interaction.
pub fn is_manager(ctx: Context<'_>) -> bool {
    member_is_manager(member(ctx))
}

pub fn member_is_manager(member: Option<&serenity::Member>) -> bool {
    member
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.manage_guild() || p.administrator())
}

/// The sending rule, for any interaction's member.
pub fn member_may_send(member: Option<&serenity::Member>, send_role: Option<RoleId>) -> bool {
    let has_role = match (member, send_role) {
        (Some(m), Some(role)) => m.roles.iter().any(|r| r.get() == role.0),
        _ => false,
    };
    has_role || member_is_manager(member)
}

/// Refuses, ephemerally, anyone who may not send for this server.
pub async fn require_sender(ctx: Context<'_>) -> Result<Requester, BotError> {
    let who = requester(ctx)?;
    let (account, _) = ctx
        .data()
        .app
        .ensure_account(who.account, &guild_name(ctx))
        .await?;
    if member_may_send(member(ctx), account.send_role) {
        Ok(who)
    } else {
        Err(BotError::User(lang(ctx).texts().need_send_role.to_owned()))
    }
}

pub fn require_manager(ctx: Context<'_>) -> Result<Requester, BotError> {
    let who = requester(ctx)?;
    if is_manager(ctx) {
        Ok(who)
    } else {
        Err(BotError::User(lang(ctx).texts().need_manager.to_owned()))
    }
}

pub fn guild_name(ctx: Context<'_>) -> String {
    ctx.guild_id()
        .map_or_else(|| "server".to_owned(), |g| format!("server {g}"))
}
