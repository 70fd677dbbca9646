//! What `herald doctor` asks Discord: is the token good, which application is it, and has the
//! bot the permissions it needs in each configured server.
use poise::serenity_prelude as serenity;
use serenity::Permissions;

/// What the bot needs where it works: the permissions of the README's invitation link (answer,
/// post, write in threads, open the private support threads, embed results), and seeing the
/// channels at all.
const NEEDED: &[(Permissions, &str)] = &[
    (Permissions::VIEW_CHANNEL, "View Channels"),
    (Permissions::SEND_MESSAGES, "Send Messages"),
    (
        Permissions::SEND_MESSAGES_IN_THREADS,
        "Send Messages in Threads",
    ),
    (
        Permissions::CREATE_PRIVATE_THREADS,
        "Create Private Threads",
    ),
    (Permissions::EMBED_LINKS, "Embed Links"),
];

pub struct TokenReport {
    pub bot_name: String,
    pub application_id: u64,
    pub servers: Vec<ServerReport>,
}

pub struct ServerReport {
    pub id: u64,
    /// Why the server could not be read (the bot is not in it).
    pub error: Option<String>,
    /// Permissions the bot's roles lack there, by their names in Discord's settings.
    pub missing: Vec<&'static str>,
}

/// Why the token could not be checked.
#[derive(Debug)]
pub enum TokenCheckError {
    /// Discord answered, and refused it.
    Refused(serenity::Error),
    /// Discord did not answer.
    Unreachable(serenity::Error),
}

impl TokenCheckError {
    fn of(e: serenity::Error) -> TokenCheckError {
        match &e {
            serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(_)) => {
                TokenCheckError::Refused(e)
            }
            _ => TokenCheckError::Unreachable(e),
        }
    }
}

/// Asks Discord (or `api_base`) about the token.
pub async fn check_token(
    token: &str,
    api_base: Option<&str>,
    servers: &[u64],
) -> Result<TokenReport, TokenCheckError> {
    let mut http = serenity::HttpBuilder::new(token);
    if let Some(base) = api_base {
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let http = http.build();
    let me = http.get_current_user().await.map_err(TokenCheckError::of)?;
    let application = http
        .get_current_application_info()
        .await
        .map_err(TokenCheckError::of)?;
    let mut reports = Vec::new();
    for id in servers {
        reports.push(server_report(&http, serenity::GuildId::new(*id), me.id).await);
    }
    Ok(TokenReport {
        bot_name: me.name.clone(),
        application_id: application.id.get(),
        servers: reports,
    })
}

async fn server_report(
    http: &serenity::Http,
    guild: serenity::GuildId,
    bot: serenity::UserId,
) -> ServerReport {
    let read = async {
        let server = http.get_guild(guild).await?;
        let member = http.get_member(guild, bot).await?;
        Ok::<_, serenity::Error>((server, member))
    };
    match read.await {
        Err(e) => ServerReport {
            id: guild.get(),
            error: Some(format!("the bot can't read it ({e})")),
            missing: Vec::new(),
        },
        Ok((server, member)) => {
            let granted = granted(&server, &member);
            ServerReport {
                id: guild.get(),
                error: None,
                missing: NEEDED
                    .iter()
                    .filter(|(p, _)| !granted.contains(*p))
                    .map(|(_, name)| *name)
                    .collect(),
            }
        }
    }
}

/// The server-wide permissions of a member: the owner and administrators have all; others
/// have those of @everyone (the role with the server's id) and of their roles.
fn granted(server: &serenity::PartialGuild, member: &serenity::Member) -> Permissions {
    if server.owner_id == member.user.id {
        return Permissions::all();
    }
    let everyone = serenity::RoleId::new(server.id.get());
    let permissions = server
        .roles
        .values()
        .filter(|r| r.id == everyone || member.roles.contains(&r.id))
        .fold(Permissions::empty(), |all, r| all | r.permissions);
    match permissions.contains(Permissions::ADMINISTRATOR) {
        true => Permissions::all(),
        false => permissions,
    }
}
