//! Writing effects inside a transaction: ledger moves, outbox notifications, audit entries.
use chrono::{DateTime, Utc};
use sqlx::{Any, Row, Transaction};

use crate::domain::credits::{Balance, Credits, LedgerEntry};
use crate::domain::effects::{AuditEntry, Effect, Notification};
use crate::domain::ids::AccountId;
use crate::store::StoreError;
use crate::store::rows::{actor_column, micros, signed, snowflake, unsigned};

pub(super) type Tx = Transaction<'static, Any>;

/// Writes one effect; returns the balance when it moved credit.
pub(super) async fn apply(
    tx: &mut Tx,
    account: AccountId,
    effect: &Effect,
    now: DateTime<Utc>,
) -> Result<Option<Balance>, StoreError> {
    match effect {
        Effect::Ledger(entry) => ledger(tx, account, entry, now).await.map(Some),
        Effect::Notify(n) => notify(tx, n, now).await.map(|()| None),
        Effect::Audit(a) => insert_audit(tx, a, now).await.map(|()| None),
        Effect::QueueTest(m) => super::deliveries::queue_test(tx, m, now)
            .await
            .map(|()| None),
        Effect::QueueVersion {
            account,
            campaign,
            version,
            list,
        } => super::deliveries::queue_version(tx, *account, *campaign, *version, *list, now)
            .await
            .map(|()| None),
        Effect::StopVersion { campaign, version } => {
            super::deliveries::stop_version(tx, *campaign, *version, now)
                .await
                .map(|()| None)
        }
    }
}

pub(super) async fn balance(tx: &mut Tx, account: AccountId) -> Result<Balance, StoreError> {
    let row = sqlx::query("SELECT available, reserved FROM accounts WHERE id = $1")
        .bind(snowflake(account.0))
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("account"))?;
    Ok(Balance {
        available: Credits(unsigned("available", row.try_get("available")?)?),
        reserved: Credits(unsigned("reserved", row.try_get("reserved")?)?),
    })
}

/// Moves credit with a guarded update, so no pot goes negative even when two changes race.
async fn ledger(
    tx: &mut Tx,
    account: AccountId,
    entry: &LedgerEntry,
    now: DateTime<Utc>,
) -> Result<Balance, StoreError> {
    let (da, dr) = entry.kind.deltas(entry.amount);
    let (da, dr) = (
        i64::try_from(da).unwrap_or(i64::MAX),
        i64::try_from(dr).unwrap_or(i64::MAX),
    );
    let moved = sqlx::query(
        "UPDATE accounts SET available = available + $1, reserved = reserved + $2, updated_at = $3 \
         WHERE id = $4 AND available + $1 >= 0 AND reserved + $2 >= 0 RETURNING available, reserved",
    )
    .bind(da)
    .bind(dr)
    .bind(micros(now))
    .bind(snowflake(account.0))
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = moved else {
        let current = balance(tx, account).await?;
        return Err(StoreError::InsufficientCredit {
            needed: entry.amount,
            available: current.available,
        });
    };
    let after = Balance {
        available: Credits(unsigned("available", row.try_get("available")?)?),
        reserved: Credits(unsigned("reserved", row.try_get("reserved")?)?),
    };
    sqlx::query(
        "INSERT INTO ledger (account_id, kind, amount, campaign_id, version, reason, available_after, reserved_after, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(snowflake(account.0))
    .bind(entry.kind.as_str())
    .bind(signed(entry.amount.0))
    .bind(entry.campaign.map(|(c, _)| c.0))
    .bind(entry.campaign.map(|(_, v)| i64::from(v)))
    .bind(entry.reason.clone())
    .bind(signed(after.available.0))
    .bind(signed(after.reserved.0))
    .bind(micros(now))
    .execute(&mut **tx)
    .await?;
    Ok(after)
}

async fn notify(tx: &mut Tx, n: &Notification, now: DateTime<Utc>) -> Result<(), StoreError> {
    let payload = serde_json::to_string(n).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO outbox (account_id, user_id, campaign_id, kind, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(snowflake(n.account.0))
    .bind(snowflake(n.user.0))
    .bind(n.campaign.0)
    .bind(n.kind.as_str())
    .bind(payload)
    .bind(micros(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn insert_audit(
    tx: &mut Tx,
    a: &AuditEntry,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (account_id, campaign_id, version, actor, action, detail, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(snowflake(a.account.0))
    .bind(a.campaign.map(|(c, _)| c.0))
    .bind(a.campaign.map(|(_, v)| i64::from(v)))
    .bind(actor_column(&a.actor))
    .bind(a.action.as_str())
    .bind(&a.detail)
    .bind(micros(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
