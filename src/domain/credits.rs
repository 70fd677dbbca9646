//! Credits: what sending costs, and the ledger that moves them.
//!
//! An account's credit lives in two pots: `available` (free to spend) and `reserved` (set aside
//! for confirmed campaigns). Every movement is a ledger entry; neither pot can go below zero.
use std::fmt;

use serde::{Deserialize, Serialize};

use super::ids::CampaignId;

/// A number of credits: one credit sends one SMS segment to one recipient.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Credits(pub u64);

impl Credits {
    pub const ZERO: Credits = Credits(0);

    pub fn checked_add(self, other: Credits) -> Option<Credits> {
        self.0.checked_add(other.0).map(Credits)
    }

    pub fn checked_sub(self, other: Credits) -> Option<Credits> {
        self.0.checked_sub(other.0).map(Credits)
    }

    pub fn saturating_sub(self, other: Credits) -> Credits {
        Credits(self.0.saturating_sub(other.0))
    }

    /// segments × recipients; `None` when it would not fit (never in practice, but never wrap).
    pub fn cost_of(segments: u8, recipients: u64) -> Option<Credits> {
        recipients.checked_mul(u64::from(segments)).map(Credits)
    }
}

impl fmt::Display for Credits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The largest single top-up accepted: keeps typos (an extra few zeros) from going through,
/// and keeps every balance far from integer limits of both databases.
pub const MAX_TOP_UP: u64 = 1_000_000_000;

/// A positive amount an operator adds to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopUp(Credits);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopUpError {
    #[error("\"{0}\" is not a whole number of credits: write an amount such as 5000")]
    NotANumber(String),
    #[error("the amount must be more than zero: give the number of credits to add")]
    NotPositive,
    #[error(
        "{0} credits is more than the {MAX_TOP_UP} allowed in one top-up: check the amount, or split it"
    )]
    TooLarge(String),
    #[error("the reason is {chars} characters long: keep it to {max} at most")]
    ReasonTooLong { chars: usize, max: usize },
}

/// Why credit was added, as kept in the ledger and the audit log: blanks collapsed, at most
/// [`MAX_REASON_CHARS`] characters; `None` when empty.
pub fn credit_reason(input: &str) -> Result<Option<String>, TopUpError> {
    let reason = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = reason.chars().count();
    if chars > MAX_REASON_CHARS {
        return Err(TopUpError::ReasonTooLong {
            chars,
            max: MAX_REASON_CHARS,
        });
    }
    Ok((!reason.is_empty()).then_some(reason))
}

pub const MAX_REASON_CHARS: usize = 200;

impl TopUp {
    pub fn parse(input: &str) -> Result<TopUp, TopUpError> {
        let text = input.trim();
        let digits = text.strip_prefix('+').unwrap_or(text);
        if text.starts_with('-') {
            return Err(TopUpError::NotPositive);
        }
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TopUpError::NotANumber(input.to_owned()));
        }
        // Past 19 digits u64 would overflow: that is "too large", not "not a number".
        let amount: u64 = digits
            .parse()
            .map_err(|_| TopUpError::TooLarge(digits.to_owned()))?;
        Self::new(amount).map_err(|e| match e {
            TopUpError::TooLarge(_) => TopUpError::TooLarge(digits.to_owned()),
            other => other,
        })
    }

    pub fn new(amount: u64) -> Result<TopUp, TopUpError> {
        match amount {
            0 => Err(TopUpError::NotPositive),
            a if a > MAX_TOP_UP => Err(TopUpError::TooLarge(a.to_string())),
            a => Ok(TopUp(Credits(a))),
        }
    }

    pub fn credits(self) -> Credits {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// Credit added to the account (available += amount).
    Credit,
    /// Set aside for a confirmed campaign (available -= amount, reserved += amount).
    Reserve,
    /// Spent when a campaign starts sending (reserved -= amount).
    Debit,
    /// A reservation given back, on cancel or refusal (reserved -= amount, available += amount).
    Release,
    /// Spent credit given back for messages that were never sent (available += amount).
    Refund,
}

impl LedgerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerKind::Credit => "credit",
            LedgerKind::Reserve => "reserve",
            LedgerKind::Debit => "debit",
            LedgerKind::Release => "release",
            LedgerKind::Refund => "refund",
        }
    }

    pub fn parse(s: &str) -> Option<LedgerKind> {
        Some(match s {
            "credit" => LedgerKind::Credit,
            "reserve" => LedgerKind::Reserve,
            "debit" => LedgerKind::Debit,
            "release" => LedgerKind::Release,
            "refund" => LedgerKind::Refund,
            _ => return None,
        })
    }

    /// How the entry moves the two pots, as (available, reserved) deltas.
    pub fn deltas(self, amount: Credits) -> (i128, i128) {
        let a = i128::from(amount.0);
        match self {
            LedgerKind::Credit | LedgerKind::Refund => (a, 0),
            LedgerKind::Reserve => (-a, a),
            LedgerKind::Debit => (0, -a),
            LedgerKind::Release => (a, -a),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub kind: LedgerKind,
    pub amount: Credits,
    pub campaign: Option<(CampaignId, u32)>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Balance {
    pub available: Credits,
    pub reserved: Credits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "not enough credit: {needed} needed, {available} available; reload the account and try again"
)]
pub struct InsufficientCredit {
    pub needed: Credits,
    pub available: Credits,
}

impl Balance {
    /// The balance after `entry`, refusing any move that would take a pot below zero.
    pub fn apply(self, entry: &LedgerEntry) -> Result<Balance, InsufficientCredit> {
        let (da, dr) = entry.kind.deltas(entry.amount);
        let available = i128::from(self.available.0) + da;
        let reserved = i128::from(self.reserved.0) + dr;
        let to_credits = |v: i128| u64::try_from(v).ok().map(Credits);
        match (to_credits(available), to_credits(reserved)) {
            (Some(available), Some(reserved)) => Ok(Balance {
                available,
                reserved,
            }),
            _ => Err(InsufficientCredit {
                needed: entry.amount,
                available: if available < 0 {
                    self.available
                } else {
                    self.reserved
                },
            }),
        }
    }

    pub fn apply_all<'a>(
        self,
        entries: impl IntoIterator<Item = &'a LedgerEntry>,
    ) -> Result<Balance, InsufficientCredit> {
        entries.into_iter().try_fold(self, |b, e| b.apply(e))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn credit_reasons_are_collapsed_and_capped() {
        assert_eq!(
            credit_reason("  first\n load "),
            Ok(Some("first load".into()))
        );
        assert_eq!(credit_reason("   "), Ok(None));
        assert_eq!(
            credit_reason(&"x".repeat(200)).map(|r| r.map(|r| r.len())),
            Ok(Some(200))
        );
        assert_eq!(
            credit_reason(&"x".repeat(1_000_000)),
            Err(TopUpError::ReasonTooLong {
                chars: 1_000_000,
                max: 200
            })
        );
    }

    use super::*;

    fn entry(kind: LedgerKind, amount: u64) -> LedgerEntry {
        LedgerEntry {
            kind,
            amount: Credits(amount),
            campaign: None,
            reason: None,
        }
    }

    #[test]
    fn reserve_debit_release_and_refund_move_the_right_pots() {
        let b = Balance::default()
            .apply_all(&[
                entry(LedgerKind::Credit, 100),
                entry(LedgerKind::Reserve, 60),
            ])
            .unwrap();
        assert_eq!(
            b,
            Balance {
                available: Credits(40),
                reserved: Credits(60)
            }
        );
        let debited = b.apply(&entry(LedgerKind::Debit, 60)).unwrap();
        assert_eq!(
            debited,
            Balance {
                available: Credits(40),
                reserved: Credits(0)
            }
        );
        let released = b.apply(&entry(LedgerKind::Release, 60)).unwrap();
        assert_eq!(
            released,
            Balance {
                available: Credits(100),
                reserved: Credits(0)
            }
        );
        let refunded = debited.apply(&entry(LedgerKind::Refund, 10)).unwrap();
        assert_eq!(refunded.available, Credits(50));
    }

    #[test]
    fn no_pot_goes_below_zero() {
        let b = Balance {
            available: Credits(10),
            reserved: Credits(5),
        };
        assert_eq!(
            b.apply(&entry(LedgerKind::Reserve, 11)),
            Err(InsufficientCredit {
                needed: Credits(11),
                available: Credits(10)
            })
        );
        assert!(b.apply(&entry(LedgerKind::Debit, 6)).is_err());
        assert!(b.apply(&entry(LedgerKind::Release, 6)).is_err());
    }

    #[test]
    fn top_ups_must_be_positive_bounded_whole_numbers() {
        assert_eq!(TopUp::parse("5000").unwrap().credits(), Credits(5000));
        assert_eq!(TopUp::parse("+7").unwrap().credits(), Credits(7));
        assert_eq!(TopUp::parse("0"), Err(TopUpError::NotPositive));
        assert_eq!(TopUp::parse("-5"), Err(TopUpError::NotPositive));
        assert!(matches!(
            TopUp::parse("12.5"),
            Err(TopUpError::NotANumber(_))
        ));
        assert!(matches!(
            TopUp::parse("abc"),
            Err(TopUpError::NotANumber(_))
        ));
        assert!(matches!(
            TopUp::parse("1000000001"),
            Err(TopUpError::TooLarge(_))
        ));
        assert!(matches!(
            TopUp::parse("99999999999999999999999"),
            Err(TopUpError::TooLarge(_))
        ));
    }

    #[test]
    fn cost_is_segments_times_recipients() {
        assert_eq!(Credits::cost_of(3, 1000), Some(Credits(3000)));
        assert_eq!(Credits::cost_of(2, u64::MAX), None);
    }
}
