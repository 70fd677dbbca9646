//! Pre-checks shown to moderators next to a submission, and to the sender at finalize.
//!
//! These are hints, not verdicts: a moderator reads them and decides.
use chrono::{DateTime, Utc};

use super::links::{LINK_SHORTENERS, LinkFlag, links_in};
use super::sender::{SenderId, SenderRule, ShortCode};
use super::sms::SmsBody;
use super::window::{Decision, SendPlan, WindowFlag};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ComplianceFlag {
    MissingOptOut {
        expected: Option<String>,
    },
    LinkShortener {
        domain: String,
    },
    /// A link with something to check (plain http, an IP address, a look-alike name…).
    SuspiciousLink {
        link: String,
        flags: Vec<LinkFlag>,
    },
    AllCaps,
    /// Some recipients wait for their sending window: `flag` says why the largest group
    /// waits, `waiting` how many recipients in all, `opens` when that group's window opens.
    /// `None` in versions stored before flags were typed (their text is not kept), and the
    /// counts in versions stored before windows were per recipient.
    OutsideSendingWindow {
        #[serde(default)]
        flag: Option<WindowFlag>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        waiting: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opens: Option<DateTime<Utc>>,
    },
    /// The sender breaks a French operators' rule (set before the rule was checked).
    SenderRule {
        rule: SenderRule,
    },
    FirstCampaign,
}

/// Below this many cased letters a message is too short to call "shouting".
const ALL_CAPS_MIN_LETTERS: usize = 10;
/// Share of upper-case letters, in percent, from which a message counts as all caps.
const ALL_CAPS_PERCENT: usize = 70;

/// What a submission is checked on.
pub struct Precheck<'a> {
    pub body: &'a SmsBody,
    pub opt_out_text: Option<&'a str>,
    pub sender: &'a SenderId,
    pub short_code: Option<&'a ShortCode>,
    /// When its recipients may receive it.
    pub plan: &'a SendPlan,
    pub first_campaign: bool,
}

impl Precheck<'_> {
    /// Every flag, in a stable order: opt-out, shorteners, links, capitals, window, sender,
    /// first campaign.
    pub fn flags(&self) -> Vec<ComplianceFlag> {
        // A personalised body's opt-out mention must be in its own text, which every
        // recipient gets, not in a field or a fallback.
        let own_text = match super::template::Template::parse(self.body.as_str()) {
            Ok(template) if template.has_fields() => template.static_text(),
            _ => self.body.as_str().to_owned(),
        };
        let mut flags = precheck_text(&own_text, self.opt_out_text, &[], false);
        let after_shorteners = flags
            .iter()
            .position(|f| {
                !matches!(
                    f,
                    ComplianceFlag::MissingOptOut { .. } | ComplianceFlag::LinkShortener { .. }
                )
            })
            .unwrap_or(flags.len());
        let links = links_in(self.body.as_str()).into_iter().filter_map(|link| {
            let flags: Vec<LinkFlag> = link
                .flags
                .into_iter()
                .filter(|f| *f != LinkFlag::Shortener)
                .collect();
            (!flags.is_empty()).then_some(ComplianceFlag::SuspiciousLink {
                link: link.text,
                flags,
            })
        });
        flags.splice(after_shorteners..after_shorteners, links);
        if let Some(largest) = self
            .plan
            .groups
            .iter()
            .find(|g| g.decision != Decision::Now)
            && let Decision::NotBefore { at, because } = &largest.decision
        {
            flags.push(ComplianceFlag::OutsideSendingWindow {
                flag: Some(because.clone()),
                waiting: Some(self.plan.waiting()),
                opens: Some(*at),
            });
        }
        if let Some(rule) = self.sender.french_rule_broken(self.short_code) {
            flags.push(ComplianceFlag::SenderRule { rule });
        }
        if self.first_campaign {
            flags.push(ComplianceFlag::FirstCampaign);
        }
        flags
    }
}

/// [`precheck`] on plain text.
pub fn precheck_text(
    text: &str,
    opt_out_text: Option<&str>,
    window: &[WindowFlag],
    first_campaign: bool,
) -> Vec<ComplianceFlag> {
    let text = normalise_whitespace(text);
    let opt_out = opt_out_text
        .map(normalise_whitespace)
        .filter(|o| !o.is_empty());
    let mut flags = Vec::new();

    // Characters that are the opt-out mention itself, so "STOP" does not count as shouting.
    let mut in_opt_out = vec![false; text.len()];
    let has_opt_out = match &opt_out {
        Some(opt_out) => {
            // Whole words at its edges: "STOP au 361800" is another number.
            let starts = find_words_ignoring_case(&text, opt_out);
            for &start in &starts {
                in_opt_out[start..start + opt_out.len()].fill(true);
            }
            !starts.is_empty()
        }
        None => {
            let starts = find_words_ignoring_case(&text, &['s', 't', 'o', 'p']);
            for &start in &starts {
                in_opt_out[start..start + 4].fill(true);
            }
            !starts.is_empty()
        }
    };
    if !has_opt_out {
        flags.push(ComplianceFlag::MissingOptOut {
            expected: opt_out.map(|o| o.iter().collect()),
        });
    }

    for domain in shorteners_in(&text) {
        flags.push(ComplianceFlag::LinkShortener {
            domain: domain.to_owned(),
        });
    }

    let (mut upper, mut cased) = (0, 0);
    for (c, _) in text.iter().zip(&in_opt_out).filter(|(_, skip)| !**skip) {
        if c.is_uppercase() {
            upper += 1;
            cased += 1;
        } else if c.is_lowercase() {
            cased += 1;
        }
    }
    if cased >= ALL_CAPS_MIN_LETTERS && upper * 100 >= cased * ALL_CAPS_PERCENT {
        flags.push(ComplianceFlag::AllCaps);
    }

    for flag in window {
        flags.push(ComplianceFlag::OutsideSendingWindow {
            flag: Some(flag.clone()),
            waiting: None,
            opens: None,
        });
    }
    if first_campaign {
        flags.push(ComplianceFlag::FirstCampaign);
    }
    flags
}

/// Whether `text` carries the opt-out mention (or, without one, a STOP word).
pub fn has_opt_out(text: &str, opt_out_text: Option<&str>) -> bool {
    !precheck_text(text, opt_out_text, &[], false)
        .iter()
        .any(|f| matches!(f, ComplianceFlag::MissingOptOut { .. }))
}

/// The text as characters, trimmed, with every run of whitespace (including the
/// non-breaking spaces of French typography) turned into one space.
fn normalise_whitespace(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars());
    }
    out
}

fn same_letter(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// Starts of the non-overlapping occurrences of `needle` in `text`, ignoring case.
fn find_ignoring_case(text: &[char], needle: &[char]) -> Vec<usize> {
    let mut starts = Vec::new();
    if needle.is_empty() {
        return starts;
    }
    let mut i = 0;
    while i + needle.len() <= text.len() {
        if text[i..i + needle.len()]
            .iter()
            .zip(needle)
            .all(|(a, b)| same_letter(*a, *b))
        {
            starts.push(i);
            i += needle.len();
        } else {
            i += 1;
        }
    }
    starts
}

/// Like [`find_ignoring_case`], keeping only whole words ("STOP", not "nonstop").
fn find_words_ignoring_case(text: &[char], word: &[char]) -> Vec<usize> {
    find_ignoring_case(text, word)
        .into_iter()
        .filter(|&start| {
            let before = start.checked_sub(1).map(|i| text[i]);
            let after = text.get(start + word.len()).copied();
            !before.is_some_and(char::is_alphabetic) && !after.is_some_and(char::is_alphabetic)
        })
        .collect()
}

/// Link shorteners whose host name appears in the text, in list order, each once.
///
/// A domain counts when it stands as a host: not glued to a longer name on the left
/// ("microsoft.co" is not t.co, though "www.bit.ly" is bit.ly) nor on the right ("t.com").
fn shorteners_in(text: &[char]) -> Vec<&'static str> {
    let is_host_char = |c: char| c.is_alphanumeric() || c == '-';
    LINK_SHORTENERS
        .iter()
        .copied()
        .filter(|domain| {
            let needle: Vec<char> = domain.chars().collect();
            find_ignoring_case(text, &needle).into_iter().any(|start| {
                let before = start.checked_sub(1).map(|i| text[i]);
                let end = start + needle.len();
                let after = text.get(end).copied();
                // A dot after the name is fine only as punctuation ending a sentence.
                let after_ok = match after {
                    None => true,
                    Some('.') => !text.get(end + 1).copied().is_some_and(is_host_char),
                    Some(c) => !is_host_char(c),
                };
                !before.is_some_and(is_host_char) && after_ok
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPT_OUT: &str = "STOP au 36180";

    fn flags(text: &str) -> Vec<ComplianceFlag> {
        precheck_text(text, Some(OPT_OUT), &[], false)
    }

    fn shorteners(text: &str) -> Vec<String> {
        flags(text)
            .into_iter()
            .filter_map(|f| match f {
                ComplianceFlag::LinkShortener { domain } => Some(domain),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_clean_message_has_no_flags() {
        assert!(
            flags("Soldes d'été : -30% sur tout le magasin ce week-end ! STOP au 36180").is_empty()
        );
    }

    #[test]
    fn the_configured_opt_out_must_be_present() {
        assert_eq!(
            flags("Soldes d'été : -30% sur tout le magasin ce week-end !"),
            vec![ComplianceFlag::MissingOptOut {
                expected: Some(OPT_OUT.into())
            }]
        );
        // A bare STOP is not the configured mention.
        assert_eq!(flags("Soldes ce week-end ! STOP").len(), 1);
    }

    #[test]
    fn the_opt_out_matches_ignoring_case_and_spacing() {
        assert!(flags("Soldes ce week-end ! stop  au\n36180").is_empty());
        assert!(flags("Soldes ce week-end ! Stop\u{a0}au 36180").is_empty());
        // A configured mention with odd spacing still matches.
        assert!(
            precheck_text(
                "Soldes ! STOP au 36180",
                Some("  STOP   au 36180 "),
                &[],
                false
            )
            .is_empty()
        );
    }

    #[test]
    fn without_a_configured_opt_out_a_stop_word_is_enough() {
        assert!(precheck_text("Soldes ce week-end ! STOP 36180", None, &[], false).is_empty());
        assert!(precheck_text("Soldes ce week-end ! Stop SMS", None, &[], false).is_empty());
        assert!(precheck_text("Soldes ! STOP36180", Some(""), &[], false).is_empty());
        let missing = precheck_text("Soldes nonstop ce week-end !", None, &[], false);
        assert_eq!(
            missing,
            vec![ComplianceFlag::MissingOptOut { expected: None }]
        );
    }

    #[test]
    fn link_shorteners_are_found_as_hosts() {
        assert_eq!(
            shorteners("Profitez-en : https://bit.ly/abc STOP au 36180"),
            vec!["bit.ly"]
        );
        assert_eq!(
            shorteners("Profitez-en : bit.ly/abc STOP au 36180"),
            vec!["bit.ly"]
        );
        assert_eq!(
            shorteners("Voir www.TinyURL.com/xyz. STOP au 36180"),
            vec!["tinyurl.com"]
        );
        assert_eq!(
            shorteners("Lien (t.co/x) et is.gd/y ! STOP au 36180"),
            vec!["t.co", "is.gd"]
        );
        assert_eq!(shorteners("Lien: cutt.ly. STOP au 36180"), vec!["cutt.ly"]);
        assert_eq!(
            shorteners("Lien: http://shorturl.at/abc, tiny.cc/d, rebrand.ly/e STOP au 36180").len(),
            3
        );
    }

    #[test]
    fn similar_domains_are_not_shorteners() {
        assert!(shorteners("Voir https://microsoft.co/offre STOP au 36180").is_empty());
        assert!(shorteners("Voir https://t.com/offre ou bit.lyon.fr STOP au 36180").is_empty());
        assert!(shorteners("Voir https://www.mon-site.fr/goo.glitch STOP au 36180").is_empty());
        assert!(shorteners("Voir https://www.mon-site.fr STOP au 36180").is_empty());
    }

    #[test]
    fn shouting_is_flagged() {
        assert_eq!(
            flags("SOLDES MONSTRES CE WEEK-END ! STOP au 36180"),
            vec![ComplianceFlag::AllCaps]
        );
        // Mostly upper case (≥ 70 %) still counts.
        assert_eq!(
            flags("SOLDES MONSTRES ce WE ! STOP au 36180"),
            vec![ComplianceFlag::AllCaps]
        );
    }

    #[test]
    fn the_opt_out_mention_and_short_texts_are_not_shouting() {
        // 6 of 10 letters are capitals; counting "STOP AU" would make it 12 of 16 (75 %).
        assert!(flags("PROMOS soir STOP AU 36180").is_empty());
        assert!(precheck_text("PROMOS soir STOP", None, &[], false).is_empty());
        // Fewer than 10 letters: too short to judge.
        assert!(flags("PROMO -50% STOP au 36180").is_empty());
        // Exactly 10 letters, all capitals.
        assert_eq!(
            flags("PROMO SOLDE STOP au 36180"),
            vec![ComplianceFlag::AllCaps]
        );
        // 6 of 10 upper case is below 70 %.
        assert!(flags("PROMOS soir STOP au 36180").is_empty());
    }

    #[test]
    fn window_flags_and_first_campaign_are_passed_on() {
        let sunday = WindowFlag::Sunday {
            local: chrono::NaiveDate::from_ymd_opt(2027, 4, 4)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
            zone: "Europe/Paris".into(),
        };
        let result = precheck_text(
            "Bonjour, soldes ce week-end. STOP au 36180",
            Some(OPT_OUT),
            std::slice::from_ref(&sunday),
            true,
        );
        assert_eq!(
            result,
            vec![
                ComplianceFlag::OutsideSendingWindow {
                    flag: Some(sunday),
                    waiting: None,
                    opens: None
                },
                ComplianceFlag::FirstCampaign,
            ]
        );
    }

    #[test]
    fn every_flag_at_once_in_a_stable_order() {
        let time = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let late = WindowFlag::OutsideHours {
            local: chrono::NaiveDate::from_ymd_opt(2027, 4, 7)
                .unwrap()
                .and_time(time(21, 0)),
            zone: "Europe/Paris".into(),
            opens: time(8, 0),
            closes: time(20, 0),
        };
        let result = precheck_text(
            "SOLDES MONSTRES SUR BIT.LY/ABC",
            Some(OPT_OUT),
            &[late],
            true,
        );
        let kinds: Vec<_> = result
            .iter()
            .map(|f| serde_json::to_value(f).unwrap()["kind"].clone())
            .collect();
        assert_eq!(
            kinds,
            [
                "missing_opt_out",
                "link_shortener",
                "all_caps",
                "outside_sending_window",
                "first_campaign"
            ]
        );
        assert_eq!(
            result[0],
            ComplianceFlag::MissingOptOut {
                expected: Some("STOP au 36180".into())
            }
        );
        assert_eq!(
            result[1],
            ComplianceFlag::LinkShortener {
                domain: "bit.ly".into()
            }
        );
    }
}

/// A flag's kind, without its details: what the console's queue filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlagKind {
    MissingOptOut,
    LinkShortener,
    SuspiciousLink,
    AllCaps,
    OutsideSendingWindow,
    SenderRule,
    FirstCampaign,
}

impl FlagKind {
    pub const ALL: [FlagKind; 7] = [
        FlagKind::MissingOptOut,
        FlagKind::LinkShortener,
        FlagKind::SuspiciousLink,
        FlagKind::AllCaps,
        FlagKind::OutsideSendingWindow,
        FlagKind::SenderRule,
        FlagKind::FirstCampaign,
    ];

    /// The `kind` a stored flag carries (its serde tag).
    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::MissingOptOut => "missing_opt_out",
            FlagKind::LinkShortener => "link_shortener",
            FlagKind::SuspiciousLink => "suspicious_link",
            FlagKind::AllCaps => "all_caps",
            FlagKind::OutsideSendingWindow => "outside_sending_window",
            FlagKind::SenderRule => "sender_rule",
            FlagKind::FirstCampaign => "first_campaign",
        }
    }

    pub fn parse(s: &str) -> Option<FlagKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl ComplianceFlag {
    pub fn kind(&self) -> FlagKind {
        match self {
            ComplianceFlag::MissingOptOut { .. } => FlagKind::MissingOptOut,
            ComplianceFlag::LinkShortener { .. } => FlagKind::LinkShortener,
            ComplianceFlag::SuspiciousLink { .. } => FlagKind::SuspiciousLink,
            ComplianceFlag::AllCaps => FlagKind::AllCaps,
            ComplianceFlag::OutsideSendingWindow { .. } => FlagKind::OutsideSendingWindow,
            ComplianceFlag::SenderRule { .. } => FlagKind::SenderRule,
            ComplianceFlag::FirstCampaign => FlagKind::FirstCampaign,
        }
    }
}

#[cfg(test)]
mod flag_kind_tests {
    use super::*;

    /// The kind is the tag the stored JSON carries: the queue's filter searches for it.
    #[test]
    fn kinds_are_the_stored_tags() {
        for flag in [
            ComplianceFlag::AllCaps,
            ComplianceFlag::FirstCampaign,
            ComplianceFlag::MissingOptOut { expected: None },
            ComplianceFlag::LinkShortener {
                domain: "bit.ly".into(),
            },
        ] {
            let json = serde_json::to_string(&flag).unwrap();
            assert!(
                json.contains(&format!("\"kind\":\"{}\"", flag.kind().as_str())),
                "{json}"
            );
            assert_eq!(FlagKind::parse(flag.kind().as_str()), Some(flag.kind()));
        }
    }
}
