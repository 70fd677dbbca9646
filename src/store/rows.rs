//! Rows as the database returns them, and their conversion to domain values. Every value read
//! back is parsed again through the domain types, so a bad row is an error, never a bad value.
use crate::domain::consent::ConsentDecision;
use crate::domain::consent::ConsentPurpose;
use crate::domain::consent::ConsentRecord;
use crate::domain::consent::Notice;
use crate::domain::opt_out::{OptOutEntry, OptOutReason};
use crate::domain::phone::Region;
use crate::domain::sender::ShortCode;
use crate::domain::short_links::{LinkBase, LinkExpiry};
use crate::domain::window::Destination;
use crate::domain::window::SendingPolicy;
use crate::store::PendingReview;
use crate::store::SessionRecord;
use crate::store::WindowOf;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{AuditRecord, OutboxItem, PastRefusal, StoreError};
use crate::domain::account::Account;
use crate::domain::campaign::{
    AudienceChoice, Campaign, CampaignState, ConfirmAction, ConfirmationToken, Draft,
    PendingConfirmation, RecipientList, Refusal, RefusalCode, Review, Reviewer, SendMode,
    Submission, TestNumbers,
};
use crate::domain::credits::{Balance, Credits, LedgerKind};
use crate::domain::delivery::DeliveryStatus;
use crate::domain::effects::{Actor, AuditAction};
use crate::domain::ids::{
    AccountId, CampaignId, CampaignName, ChannelId, DeliveryId, ListId, ModeratorName,
    NotificationId, ReviewId, RoleId, SurveyId, UserId,
};
use crate::domain::phone::PhoneNumber;
use crate::domain::rating::Rating;
use crate::domain::recipients::Recipient;
use crate::domain::schedule::SendAt;
use crate::domain::sender::SenderId;
use crate::domain::sms::SmsBody;
use crate::domain::survey::Survey;
use crate::domain::zone::Zone;
use crate::store::{
    DeliveryRecord, LedgerLine, RatingData, ReviewData, ReviewRecord, SupportThread,
};

pub fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

pub fn time(micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros).ok_or_else(|| corrupt("timestamp", micros))
}

fn opt_time(micros: Option<i64>) -> Result<Option<DateTime<Utc>>, StoreError> {
    micros.map(time).transpose()
}

pub fn corrupt(what: &str, value: impl std::fmt::Debug) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value:?}"))
}

/// Snowflakes and counts are unsigned in the domain, signed in SQL.
pub fn unsigned(what: &str, v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| corrupt(what, v))
}

/// Amounts and counts, which stay far below 2^63 (balances are capped); saturates rather than
/// wraps if one ever does not.
pub fn signed(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A Discord id (server, user, channel, role, thread) as the databases keep it. Ids are u64 and
/// the columns i64: the 64 bits are kept as they are, so ids from 2^63 up (stored negative) stay
/// distinct and come back unchanged.
pub fn snowflake(id: u64) -> i64 {
    i64::from_ne_bytes(id.to_ne_bytes())
}

/// The Discord id a column holds: see [`snowflake`].
pub fn from_snowflake(stored: i64) -> u64 {
    u64::from_ne_bytes(stored.to_ne_bytes())
}

fn credits(what: &str, v: i64) -> Result<Credits, StoreError> {
    unsigned(what, v).map(Credits)
}

fn version(v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| corrupt("version", v))
}

fn zone(name: &str) -> Result<Zone, StoreError> {
    Zone::parse(name).map_err(|_| corrupt("zone", name))
}

fn send_mode(send_at: Option<i64>, send_zone: Option<&str>) -> Result<SendMode, StoreError> {
    match (send_at, send_zone) {
        (Some(at), Some(z)) => Ok(SendMode::Scheduled(SendAt::from_stored(
            time(at)?,
            zone(z)?,
        ))),
        (None, None) => Ok(SendMode::Immediate),
        other => Err(corrupt("send mode", other)),
    }
}

/// (send_at, send_zone) columns for a mode.
pub fn send_mode_columns(mode: &SendMode) -> (Option<i64>, Option<String>) {
    match mode {
        SendMode::Immediate => (None, None),
        SendMode::Scheduled(at) => (Some(micros(at.utc())), Some(at.zone().name().to_owned())),
    }
}

#[derive(sqlx::FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub name: String,
    pub auto_validation: i64,
    pub region: String,
    pub zone: String,
    pub sender: Option<String>,
    pub opt_out_text: Option<String>,
    pub send_role_id: Option<i64>,
    pub no_window_regions: String,
    pub short_code: Option<String>,
    pub link_expiry_days: i64,
    pub replies_channel_id: Option<i64>,
    pub available: i64,
    pub reserved: i64,
}

impl AccountRow {
    pub fn into_domain(self) -> Result<(Account, Balance), StoreError> {
        let account = Account {
            id: AccountId(from_snowflake(self.id)),
            name: self.name,
            auto_validation: self.auto_validation != 0,
            region: self
                .region
                .parse()
                .map_err(|_| corrupt("region", &self.region))?,
            zone: zone(&self.zone)?,
            sender: self
                .sender
                .map(|s| SenderId::parse(&s).map_err(|_| corrupt("sender", s)))
                .transpose()?,
            opt_out_text: self.opt_out_text,
            send_role: self.send_role_id.map(|r| RoleId(from_snowflake(r))),
            sending_policy: sending_policy(&self.no_window_regions)?,
            short_code: self
                .short_code
                .map(|c| ShortCode::parse(&c).map_err(|_| corrupt("short code", c)))
                .transpose()?,
            link_expiry: LinkExpiry::days(self.link_expiry_days)
                .map_err(|_| corrupt("link expiry", self.link_expiry_days))?,
            replies_channel: self
                .replies_channel_id
                .map(|c| ChannelId(from_snowflake(c))),
        };
        let balance = Balance {
            available: credits("available", self.available)?,
            reserved: credits("reserved", self.reserved)?,
        };
        Ok((account, balance))
    }
}

/// A campaign joined with its latest submission (the `s_` columns, all NULL when it has none).
#[derive(sqlx::FromRow)]
pub struct CampaignRow {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub owner_id: i64,
    pub channel_id: Option<i64>,
    pub state: String,
    pub draft_body: Option<String>,
    pub draft_sender: Option<String>,
    pub draft_list_id: Option<i64>,
    pub draft_list_count: Option<i64>,
    pub draft_audiences: Option<String>,
    pub draft_revision: i64,
    pub revision: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub s_version: Option<i64>,
    pub s_body: Option<String>,
    pub s_personalised: Option<i64>,
    pub s_link_base: Option<String>,
    pub s_sender: Option<String>,
    pub s_list_id: Option<i64>,
    pub s_recipient_count: Option<i64>,
    pub s_send_at: Option<i64>,
    pub s_send_zone: Option<String>,
    pub s_cost: Option<i64>,
    pub s_reserved: Option<i64>,
    pub s_debited: Option<i64>,
    pub s_flags: Option<String>,
    pub s_confirmed_by: Option<i64>,
    pub s_confirmed_at: Option<i64>,
    pub s_review: Option<String>,
    pub s_reviewer: Option<String>,
    pub s_reviewed_at: Option<i64>,
    pub s_refusal_code: Option<String>,
    pub s_refusal_text: Option<String>,
    pub s_cancelled_by: Option<i64>,
    pub s_cancelled_at: Option<i64>,
    pub s_started_at: Option<i64>,
    pub s_completed_at: Option<i64>,
}

/// The select list that matches `CampaignRow`.
pub const CAMPAIGN_COLUMNS: &str = "c.id, c.account_id, c.name, c.owner_id, c.channel_id, c.state, c.draft_body, c.draft_sender, \
    c.draft_list_id, c.draft_list_count, c.draft_audiences, c.draft_revision, c.revision, c.created_at, c.updated_at, \
    s.version AS s_version, s.body AS s_body, s.personalised AS s_personalised, s.link_base AS s_link_base, s.sender AS s_sender, s.list_id AS s_list_id, \
    s.recipient_count AS s_recipient_count, s.send_at AS s_send_at, s.send_zone AS s_send_zone, s.cost AS s_cost, \
    s.reserved AS s_reserved, s.debited AS s_debited, s.flags AS s_flags, s.confirmed_by AS s_confirmed_by, \
    s.confirmed_at AS s_confirmed_at, s.review AS s_review, s.reviewer AS s_reviewer, \
    s.reviewed_at AS s_reviewed_at, s.refusal_code AS s_refusal_code, s.refusal_text AS s_refusal_text, \
    s.cancelled_by AS s_cancelled_by, s.cancelled_at AS s_cancelled_at, s.started_at AS s_started_at, \
    s.completed_at AS s_completed_at \
    FROM campaigns c LEFT JOIN submissions s ON s.campaign_id = c.id AND s.version = c.latest_version";

fn body(text: &str) -> Result<SmsBody, StoreError> {
    SmsBody::parse(text).map_err(|_| corrupt("body", text))
}

fn sender(text: &str) -> Result<SenderId, StoreError> {
    SenderId::parse(text).map_err(|_| corrupt("sender", text))
}

fn list(id: i64, count: i64) -> Result<RecipientList, StoreError> {
    Ok(RecipientList {
        id: ListId(id),
        count: unsigned("recipient count", count)?,
    })
}

/// The column form of a draft's audience choice.
pub fn audiences_column(choice: Option<&AudienceChoice>) -> Result<Option<String>, StoreError> {
    choice
        .map(|c| serde_json::to_string(c).map_err(|e| StoreError::Corrupt(e.to_string())))
        .transpose()
}

/// One `opt_outs` row.
pub fn opt_out_entry(r: &AnyRow) -> Result<OptOutEntry, StoreError> {
    let phone: String = r.try_get("phone")?;
    let reason: String = r.try_get("reason")?;
    let by: Option<String> = r.try_get("added_by")?;
    Ok(OptOutEntry {
        phone: PhoneNumber::from_e164(&phone).map_err(|_| corrupt("opt-out number", &phone))?,
        since: time(r.try_get("created_at")?)?,
        reason: OptOutReason::parse(&reason).ok_or_else(|| corrupt("opt-out reason", &reason))?,
        by: by.as_deref().map(actor).transpose()?,
    })
}

/// Actor column of the audit log: `moderator:NAME`, `user:ID`, `operator` or `system`.
pub fn actor_column(actor: &Actor) -> String {
    actor.code()
}

fn actor(text: &str) -> Result<Actor, StoreError> {
    let bad = || corrupt("actor", text);
    Ok(match text.split_once(':') {
        Some(("moderator", name)) => {
            Actor::Moderator(ModeratorName::parse(name).map_err(|_| bad())?)
        }
        Some(("user", id)) => Actor::User(UserId(id.parse().map_err(|_| bad())?)),
        None if text == "operator" => Actor::Operator,
        None if text == "system" => Actor::System,
        _ => return Err(bad()),
    })
}

/// One `audit_log` row.
pub fn audit_record(r: &AnyRow) -> Result<AuditRecord, StoreError> {
    let campaign: Option<i64> = r.try_get("campaign_id")?;
    let version: Option<i64> = r.try_get("version")?;
    let action: String = r.try_get("action")?;
    Ok(AuditRecord {
        id: r.try_get("id")?,
        account: AccountId(from_snowflake(r.try_get("account_id")?)),
        campaign: campaign.map(|c| {
            (
                CampaignId(c),
                version.and_then(|v| u32::try_from(v).ok()).unwrap_or(0),
            )
        }),
        actor: actor(&r.try_get::<String, _>("actor")?)?,
        action: AuditAction::parse(&action).ok_or_else(|| corrupt("audit action", &action))?,
        detail: r.try_get("detail")?,
        at: time(r.try_get("created_at")?)?,
    })
}

/// One refused version, from `submissions`.
pub fn past_refusal(r: &AnyRow) -> Result<(CampaignId, PastRefusal), StoreError> {
    let version: i64 = r.try_get("version")?;
    let code: Option<String> = r.try_get("refusal_code")?;
    let code = code.unwrap_or_default();
    Ok((
        CampaignId(r.try_get("campaign_id")?),
        PastRefusal {
            version: u32::try_from(version).map_err(|_| corrupt("version", version))?,
            code: RefusalCode::parse(&code).ok_or_else(|| corrupt("refusal code", &code))?,
            text: r
                .try_get::<Option<String>, _>("refusal_text")?
                .unwrap_or_default(),
            by: reviewer(&r.try_get::<String, _>("reviewer")?)?,
            at: time(r.try_get("reviewed_at")?)?,
        },
    ))
}

/// One `outbox` row: its notification is kept as JSON.
pub fn outbox_item(r: &AnyRow) -> Result<OutboxItem, StoreError> {
    let payload: String = r.try_get("payload")?;
    Ok(OutboxItem {
        id: NotificationId(r.try_get("id")?),
        notification: serde_json::from_str(&payload).map_err(|e| corrupt("outbox payload", e))?,
        created_at: time(r.try_get("created_at")?)?,
    })
}

/// Reviewer column: `auto`, or `moderator:NAME`.
pub fn reviewer_column(reviewer: &Reviewer) -> String {
    match reviewer {
        Reviewer::AutoValidation => "auto".to_owned(),
        Reviewer::Moderator(name) => format!("moderator:{name}"),
    }
}

fn reviewer(text: &str) -> Result<Reviewer, StoreError> {
    match text.strip_prefix("moderator:") {
        Some(name) => ModeratorName::parse(name)
            .map(Reviewer::Moderator)
            .map_err(|_| corrupt("reviewer", text)),
        None if text == "auto" => Ok(Reviewer::AutoValidation),
        None => Err(corrupt("reviewer", text)),
    }
}

impl CampaignRow {
    pub fn into_domain(self) -> Result<Campaign, StoreError> {
        let draft = Draft {
            body: self.draft_body.as_deref().map(body).transpose()?,
            sender: self.draft_sender.as_deref().map(sender).transpose()?,
            recipients: match (self.draft_list_id, self.draft_list_count) {
                (Some(id), Some(count)) => Some(list(id, count)?),
                _ => None,
            },
            audiences: self
                .draft_audiences
                .as_deref()
                .map(|json| serde_json::from_str(json).map_err(|e| corrupt("draft audiences", e)))
                .transpose()?,
            revision: u32::try_from(self.draft_revision)
                .map_err(|_| corrupt("draft revision", self.draft_revision))?,
        };
        let submission = match self.s_version {
            None => None,
            Some(v) => Some(submission(&self, v)?),
        };
        Ok(Campaign {
            id: CampaignId(self.id),
            account: AccountId(from_snowflake(self.account_id)),
            name: CampaignName::parse(&self.name)
                .map_err(|_| corrupt("campaign name", &self.name))?,
            owner: UserId(from_snowflake(self.owner_id)),
            channel: self.channel_id.map(|c| ChannelId(from_snowflake(c))),
            draft,
            state: CampaignState::parse(&self.state)
                .ok_or_else(|| corrupt("state", &self.state))?,
            submission,
            revision: self.revision,
            created_at: time(self.created_at)?,
            updated_at: time(self.updated_at)?,
        })
    }
}

fn submission(row: &CampaignRow, v: i64) -> Result<Submission, StoreError> {
    let need = |what: &'static str| corrupt(what, "missing");
    let reviewed_at = opt_time(row.s_reviewed_at)?;
    let review = match row.s_review.as_deref() {
        Some("pending") => Review::Pending,
        Some("approved") => Review::Approved {
            by: reviewer(row.s_reviewer.as_deref().ok_or_else(|| need("reviewer"))?)?,
            at: reviewed_at.ok_or_else(|| need("reviewed_at"))?,
        },
        Some("refused") => {
            let code = row
                .s_refusal_code
                .as_deref()
                .and_then(RefusalCode::parse)
                .ok_or_else(|| need("refusal code"))?;
            let text = row
                .s_refusal_text
                .as_deref()
                .ok_or_else(|| need("refusal text"))?;
            Review::Refused {
                by: reviewer(row.s_reviewer.as_deref().ok_or_else(|| need("reviewer"))?)?,
                at: reviewed_at.ok_or_else(|| need("reviewed_at"))?,
                refusal: Refusal::new(code, text).map_err(|_| corrupt("refusal", text))?,
            }
        }
        other => return Err(corrupt("review", other)),
    };
    let cancelled = match (row.s_cancelled_by, row.s_cancelled_at) {
        (Some(by), Some(at)) => Some((UserId(from_snowflake(by)), time(at)?)),
        _ => None,
    };
    Ok(Submission {
        version: version(v)?,
        body: body(row.s_body.as_deref().ok_or_else(|| need("body"))?)?,
        personalised: row.s_personalised.unwrap_or(0) != 0,
        short_links: row
            .s_link_base
            .as_deref()
            .map(|b| LinkBase::parse(b).map_err(|_| corrupt("link base", b)))
            .transpose()?,
        sender: sender(row.s_sender.as_deref().ok_or_else(|| need("sender"))?)?,
        recipients: list(
            row.s_list_id.ok_or_else(|| need("list"))?,
            row.s_recipient_count.ok_or_else(|| need("count"))?,
        )?,
        mode: send_mode(row.s_send_at, row.s_send_zone.as_deref())?,
        cost: credits("cost", row.s_cost.ok_or_else(|| need("cost"))?)?,
        reserved: credits("reserved", row.s_reserved.ok_or_else(|| need("reserved"))?)?,
        debited: credits("debited", row.s_debited.ok_or_else(|| need("debited"))?)?,
        flags: serde_json::from_str(row.s_flags.as_deref().ok_or_else(|| need("flags"))?)
            .map_err(|e| corrupt("flags", e))?,
        confirmed_by: UserId(from_snowflake(
            row.s_confirmed_by.ok_or_else(|| need("confirmed_by"))?,
        )),
        confirmed_at: time(row.s_confirmed_at.ok_or_else(|| need("confirmed_at"))?)?,
        review,
        cancelled,
        started_at: opt_time(row.s_started_at)?,
        completed_at: opt_time(row.s_completed_at)?,
    })
}

#[derive(sqlx::FromRow)]
pub struct ConfirmationRow {
    pub token: String,
    pub campaign_id: i64,
    pub action: String,
    pub send_at: Option<i64>,
    pub send_zone: Option<String>,
    /// Test confirmations: E.164 numbers separated by commas.
    pub test_numbers: Option<String>,
    pub draft_revision: i64,
    pub requested_by: i64,
    pub expires_at: i64,
    pub outcome: Option<String>,
    pub leave_out: i64,
    pub keep_links: i64,
}

impl ConfirmationRow {
    pub fn into_domain(self) -> Result<super::StoredConfirmation, StoreError> {
        let action = match self.action.as_str() {
            "submit" => ConfirmAction::Submit(send_mode(self.send_at, self.send_zone.as_deref())?),
            "cancel" => ConfirmAction::Cancel,
            "test" => ConfirmAction::Test(test_numbers(self.test_numbers.as_deref())?),
            other => return Err(corrupt("confirmation action", other)),
        };
        Ok(super::StoredConfirmation {
            pending: PendingConfirmation {
                token: ConfirmationToken::parse(&self.token)
                    .map_err(|_| corrupt("token", &self.token))?,
                campaign: CampaignId(self.campaign_id),
                action,
                draft_revision: u32::try_from(self.draft_revision)
                    .map_err(|_| corrupt("draft revision", self.draft_revision))?,
                requested_by: UserId(from_snowflake(self.requested_by)),
                expires_at: time(self.expires_at)?,
                leave_out: self.leave_out != 0,
                keep_links: self.keep_links != 0,
            },
            outcome: self.outcome,
        })
    }
}

fn test_numbers(column: Option<&str>) -> Result<TestNumbers, StoreError> {
    let column = column.unwrap_or_default();
    let numbers = column
        .split(',')
        .map(PhoneNumber::from_e164)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| corrupt("test numbers", column))?;
    TestNumbers::from_stored(numbers).map_err(|_| corrupt("test numbers", column))
}

/// The column form of a test's numbers.
pub fn test_numbers_column(numbers: &TestNumbers) -> String {
    numbers
        .as_slice()
        .iter()
        .map(PhoneNumber::as_e164)
        .collect::<Vec<_>>()
        .join(",")
}

pub fn support_thread(r: &AnyRow) -> Result<SupportThread, StoreError> {
    let closed: Option<i64> = r.try_get("closed_at")?;
    Ok(SupportThread {
        thread: from_snowflake(r.try_get("thread_id")?),
        account: AccountId(from_snowflake(r.try_get("account_id")?)),
        user: UserId(from_snowflake(r.try_get("user_id")?)),
        opened_at: time(r.try_get("opened_at")?)?,
        closed_at: closed.map(time).transpose()?,
    })
}

pub fn survey(r: &AnyRow) -> Result<Survey, StoreError> {
    let subject: String = r.try_get("subject")?;
    let rating: Option<i64> = r.try_get("rating")?;
    let answered_at: Option<i64> = r.try_get("answered_at")?;
    let answer = match (rating, answered_at) {
        (Some(rating), Some(at)) => Some((
            Rating::new(rating).map_err(|_| corrupt("rating", rating))?,
            time(at)?,
        )),
        _ => None,
    };
    Ok(Survey {
        id: SurveyId(r.try_get("id")?),
        account: AccountId(from_snowflake(r.try_get("account_id")?)),
        user: UserId(from_snowflake(r.try_get("user_id")?)),
        subject: serde_json::from_str(&subject).map_err(|e| corrupt("survey subject", e))?,
        offered_at: time(r.try_get("offered_at")?)?,
        answer,
    })
}

pub fn status_of(row: &AnyRow) -> Result<DeliveryStatus, StoreError> {
    let s: String = row.try_get("status")?;
    DeliveryStatus::parse(&s).ok_or_else(|| corrupt("delivery status", s))
}

pub fn attempt_of(row: &AnyRow) -> Result<u32, StoreError> {
    let a: i64 = row.try_get("attempt")?;
    u32::try_from(a).map_err(|_| corrupt("delivery attempt", a))
}

pub fn delivery_record(r: &AnyRow) -> Result<DeliveryRecord, StoreError> {
    let version: Option<i64> = r.try_get("version")?;
    let acknowledged: i64 = r.try_get("acknowledged")?;
    Ok(DeliveryRecord {
        id: DeliveryId(r.try_get("id")?),
        campaign: crate::domain::ids::CampaignId(r.try_get("campaign_id")?),
        version: version
            .map(|v| u32::try_from(v).map_err(|_| corrupt("delivery version", v)))
            .transpose()?,
        phone: r.try_get("phone")?,
        status: status_of(r)?,
        attempt: attempt_of(r)?,
        acknowledged: acknowledged != 0,
        due_at: time(r.try_get("due_at")?)?,
        started_at: time(r.try_get("started_at")?)?,
        error: r.try_get("error")?,
        window: window_of(r)?,
    })
}

/// The columns [`delivery_record`] reads.
pub const DELIVERY_COLUMNS: &str = "id, campaign_id, version, phone, status, attempt, acknowledged, due_at, started_at, error, account_id, region, zone, window_exempt, is_answer";

/// A `region` and `zone` pair of columns; `None` when written before destinations were kept,
/// or when the pair no longer reads (a zone renamed by a later time-zone database): the
/// destination is then worked out from the number again.
pub fn destination(r: &AnyRow) -> Result<Option<Destination>, StoreError> {
    let region: Option<String> = r.try_get("region")?;
    let zone: Option<String> = r.try_get("zone")?;
    let Some(region) = region else {
        return Ok(None);
    };
    let zone = zone.as_deref().filter(|z| !z.is_empty());
    match Destination::from_stored(&region, zone) {
        Ok(destination) => Ok(Some(destination)),
        Err(unknown) => {
            tracing::warn!(%unknown, "stored destination no longer reads: taken from the number");
            Ok(None)
        }
    }
}

pub fn window_of(r: &AnyRow) -> Result<WindowOf, StoreError> {
    let exempt: i64 = r.try_get("window_exempt")?;
    Ok(WindowOf {
        account: crate::domain::ids::AccountId(from_snowflake(r.try_get("account_id")?)),
        destination: destination(r)?,
        exempt: exempt != 0,
        // An answer goes to a customer: unlike a test, every rule applies to it.
        test: r.try_get::<Option<i64>, _>("version")?.is_none()
            && r.try_get::<i64, _>("is_answer")? == 0,
    })
}

pub fn ledger_line(r: &AnyRow) -> Result<LedgerLine, StoreError> {
    let kind: String = r.try_get("kind")?;
    let campaign: Option<i64> = r.try_get("campaign_id")?;
    let version: Option<i64> = r.try_get("version")?;
    Ok(LedgerLine {
        id: r.try_get("id")?,
        kind: LedgerKind::parse(&kind).ok_or_else(|| corrupt("ledger kind", &kind))?,
        amount: Credits(unsigned("amount", r.try_get("amount")?)?),
        campaign: match (campaign, version) {
            (Some(c), Some(v)) => Some((CampaignId(c), u32::try_from(v).unwrap_or(0))),
            _ => None,
        },
        reason: r.try_get("reason")?,
        balance_after: Balance {
            available: Credits(unsigned("available_after", r.try_get("available_after")?)?),
            reserved: Credits(unsigned("reserved_after", r.try_get("reserved_after")?)?),
        },
        at: time(r.try_get("created_at")?)?,
    })
}

pub fn review_record(r: &AnyRow) -> Result<ReviewRecord, StoreError> {
    let by: Option<String> = r.try_get("unpublished_by")?;
    let at: Option<i64> = r.try_get("unpublished_at")?;
    Ok(ReviewRecord {
        id: ReviewId(r.try_get("id")?),
        account: crate::domain::ids::AccountId(from_snowflake(r.try_get("account_id")?)),
        user: crate::domain::ids::UserId(from_snowflake(r.try_get("user_id")?)),
        rating: rating(r)?,
        body: r.try_get("body")?,
        created_at: time(r.try_get("created_at")?)?,
        unpublished: match (by, at) {
            (Some(by), Some(at)) => Some((
                ModeratorName::parse(&by).map_err(|_| corrupt("unpublished_by", &by))?,
                time(at)?,
            )),
            _ => None,
        },
    })
}

pub fn rating_data(r: &AnyRow) -> Result<RatingData, StoreError> {
    let subject: String = r.try_get("subject")?;
    Ok(RatingData {
        subject: serde_json::from_str(&subject).map_err(|e| corrupt("subject", e))?,
        rating: rating(r)?,
        at: time(r.try_get("created_at")?)?,
    })
}

pub fn review_data(r: &AnyRow) -> Result<ReviewData, StoreError> {
    let unpublished: Option<i64> = r.try_get("unpublished_at")?;
    Ok(ReviewData {
        rating: rating(r)?,
        body: r.try_get("body")?,
        at: time(r.try_get("created_at")?)?,
        unpublished: unpublished.is_some(),
    })
}

pub fn positioned_recipient(r: &AnyRow) -> Result<(i64, Recipient), StoreError> {
    let phone: String = r.try_get("phone")?;
    let phone = PhoneNumber::from_e164(&phone).map_err(|_| corrupt("phone", &phone))?;
    let recipient = Recipient {
        destination: destination(r)?.unwrap_or_else(|| Destination::of_number(&phone)),
        phone,
        name: r.try_get("name")?,
        fields: r.try_get("fields")?,
        line: unsigned("line", r.try_get("line")?)?,
    };
    Ok((r.try_get("position")?, recipient))
}

/// A stored rating, which the schema keeps between 1 and 5.
pub fn rating(r: &AnyRow) -> Result<Rating, StoreError> {
    let value: i64 = r.try_get("rating")?;
    Rating::new(value).map_err(|_| corrupt("rating", value))
}

pub fn session(r: &AnyRow, token_hash: &str) -> Result<SessionRecord, StoreError> {
    let name: String = r.try_get("moderator")?;
    Ok(SessionRecord {
        token_hash: token_hash.to_owned(),
        moderator: ModeratorName::parse(&name).map_err(|_| corrupt("moderator", &name))?,
        csrf_token: r.try_get("csrf_token")?,
        created_at: time(r.try_get("created_at")?)?,
        expires_at: time(r.try_get("expires_at")?)?,
    })
}

/// A campaign waiting for review with its account's name (its past refusals are read next).
pub fn pending_review(r: &AnyRow) -> Result<PendingReview, StoreError> {
    let campaign = <CampaignRow as sqlx::FromRow<_>>::from_row(r)?.into_domain()?;
    let moderator: Option<String> = r.try_get("claim_moderator")?;
    let claim = match (moderator, &campaign.submission) {
        (Some(moderator), Some(s)) => Some(crate::domain::review_desk::Claim {
            campaign: campaign.id,
            version: s.version,
            moderator: crate::domain::ids::ModeratorName::parse(&moderator)
                .map_err(|_| corrupt("moderator", &moderator))?,
            until: time(r.try_get("claim_until")?)?,
        }),
        _ => None,
    };
    Ok(PendingReview {
        campaign,
        account_name: r.try_get("account_name")?,
        refusals: Vec::new(),
        claim,
    })
}

/// (confirmed, decided) times of a version.
pub fn review_wait(r: &AnyRow) -> Result<(DateTime<Utc>, DateTime<Utc>), StoreError> {
    Ok((
        time(r.try_get("confirmed_at")?)?,
        time(r.try_get("reviewed_at")?)?,
    ))
}

fn consent_purpose(r: &AnyRow) -> Result<ConsentPurpose, StoreError> {
    let purpose: String = r.try_get("purpose")?;
    ConsentPurpose::parse(&purpose).ok_or_else(|| corrupt("purpose", &purpose))
}

fn consent_decision(r: &AnyRow) -> Result<ConsentDecision, StoreError> {
    let decision: String = r.try_get("decision")?;
    ConsentDecision::parse(&decision).ok_or_else(|| corrupt("decision", &decision))
}

/// One of a person's consent records, with when it was given.
pub fn consent_record(
    r: &AnyRow,
    account: AccountId,
    user: UserId,
) -> Result<(ConsentRecord, DateTime<Utc>), StoreError> {
    let record = ConsentRecord {
        account,
        user,
        purpose: consent_purpose(r)?,
        notice: Notice {
            version: r.try_get("notice_version")?,
            hash: r.try_get("notice_hash")?,
        },
        decision: consent_decision(r)?,
        interaction: r.try_get("interaction_id")?,
    };
    Ok((record, time(r.try_get("created_at")?)?))
}

/// How many consent records have a purpose and decision.
pub fn consent_count(r: &AnyRow) -> Result<(ConsentPurpose, ConsentDecision, u64), StoreError> {
    Ok((
        consent_purpose(r)?,
        consent_decision(r)?,
        unsigned("count", r.try_get("n")?)?,
    ))
}

/// One `list_destinations` row.
pub fn list_destination(r: &AnyRow) -> Result<(Destination, u64), StoreError> {
    let destination = destination(r)?.ok_or_else(|| corrupt("destination", "no region"))?;
    Ok((
        destination,
        unsigned("recipients", r.try_get("recipients")?)?,
    ))
}

/// `no_window_regions`: region codes, comma-separated.
fn sending_policy(codes: &str) -> Result<SendingPolicy, StoreError> {
    let regions = codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| {
            c.parse::<Region>()
                .map_err(|_| corrupt("no-window region", c))
        })
        .collect::<Result<Vec<_>, _>>()?;
    SendingPolicy::without_window_in(regions).map_err(|e| corrupt("no-window region", e))
}

/// How [`sending_policy`] reads a policy back.
pub fn sending_policy_column(policy: &SendingPolicy) -> String {
    policy.unrestricted().collect::<Vec<_>>().join(",")
}
