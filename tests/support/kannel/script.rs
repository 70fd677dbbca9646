//! What the fake operator does with each destination: chosen by number suffix, then by seeded
//! random fractions, then a default. Deterministic per number, so Kannel's retries of one
//! message meet the same outcome.

use std::time::Duration;

/// The fate of a message at the operator, and the reports Kannel hears about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// `OK <id>`, then a report `1` (delivered).
    Delivered,
    /// `PERMFAIL`: Kannel reports `16` at once.
    Rejected,
    /// `TEMPFAIL` for the first `times` submits of this number, then treated as `Delivered`.
    /// `u32::MAX` never accepts: Kannel gives up after `sms-resend-retry` and reports `16`.
    TempFail { times: u32 },
    /// `OK <id>`, then a report `2` (failed).
    Failed,
    /// `OK <id>`, then `4` (buffered), then `1` (delivered).
    Buffered,
    /// `OK <id>`, and no report ever.
    Silent,
}

impl Outcome {
    /// Temporary failure on every submit.
    pub const ALWAYS_TEMPFAIL: Outcome = Outcome::TempFail { times: u32::MAX };
}

/// The operator's plan: suffix rules first, then random fractions, then `otherwise`.
#[derive(Debug, Clone)]
pub struct Script {
    suffixes: Vec<(String, Outcome)>,
    random: Option<(u64, Vec<(f64, Outcome)>)>,
    otherwise: Outcome,
    report_delay: Duration,
}

impl Default for Script {
    fn default() -> Script {
        Script {
            suffixes: Vec::new(),
            random: None,
            otherwise: Outcome::Delivered,
            report_delay: Duration::from_millis(20),
        }
    }
}

impl Script {
    /// Everything delivered.
    pub fn all_delivered() -> Script {
        Script::default()
    }

    /// The table tests share: numbers ending `0001` rejected, `0002` temp-fail twice then
    /// delivered, `0003` accepted then failed, `0004` buffered then delivered, `0005` never
    /// reported, `0006` temp-fail every time; anything else delivered.
    pub fn standard() -> Script {
        Script::default()
            .on_suffix("0001", Outcome::Rejected)
            .on_suffix("0002", Outcome::TempFail { times: 2 })
            .on_suffix("0003", Outcome::Failed)
            .on_suffix("0004", Outcome::Buffered)
            .on_suffix("0005", Outcome::Silent)
            .on_suffix("0006", Outcome::ALWAYS_TEMPFAIL)
    }

    /// Numbers ending with `suffix` get `outcome` (the first matching rule wins).
    pub fn on_suffix(mut self, suffix: &str, outcome: Outcome) -> Script {
        self.suffixes.push((suffix.to_owned(), outcome));
        self
    }

    /// For numbers no suffix rule matches: each fraction of them (by a hash of the number and
    /// `seed`) gets its outcome, the rest `otherwise`. Fractions must add up to at most 1.
    pub fn random(mut self, seed: u64, mix: &[(f64, Outcome)]) -> Script {
        let total: f64 = mix.iter().map(|(f, _)| f).sum();
        assert!(
            mix.iter().all(|(f, _)| *f >= 0.0) && total <= 1.0 + 1e-9,
            "fractions must be non-negative and add up to at most 1, got {mix:?}"
        );
        self.random = Some((seed, mix.to_vec()));
        self
    }

    /// The outcome of numbers no other rule decides (default `Delivered`).
    pub fn otherwise(mut self, outcome: Outcome) -> Script {
        self.otherwise = outcome;
        self
    }

    /// The wait between accepting a message and each report about it (default 20 ms).
    pub fn report_delay(mut self, delay: Duration) -> Script {
        self.report_delay = delay;
        self
    }

    pub fn delay(&self) -> Duration {
        self.report_delay
    }

    pub fn outcome_for(&self, to: &str) -> Outcome {
        if let Some((_, outcome)) = self.suffixes.iter().find(|(s, _)| to.ends_with(s.as_str())) {
            return *outcome;
        }
        if let Some((seed, mix)) = &self.random {
            let mut x = unit(*seed, to);
            for (fraction, outcome) in mix {
                if x < *fraction {
                    return *outcome;
                }
                x -= fraction;
            }
        }
        self.otherwise
    }
}

/// A number in [0, 1) from the seed and the destination: FNV-1a of the digits, then SplitMix64.
fn unit(seed: u64, to: &str) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in to.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut z = (h ^ seed).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}
