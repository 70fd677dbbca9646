//! How many failed sign-ins the console tolerates before it makes people wait.
use chrono::TimeDelta;

/// Failures are counted over `window`; past `per_moderator` for one name, or `per_address` from
/// one address, sign-in waits until older failures leave the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimits {
    pub window: TimeDelta,
    pub per_moderator: u32,
    pub per_address: u32,
}

impl SignInLimits {
    pub const DEFAULT: SignInLimits = SignInLimits {
        window: TimeDelta::minutes(15),
        per_moderator: 5,
        per_address: 20,
    };

    /// Whether another attempt may be checked, given the failures inside the window.
    pub fn allows(&self, failures_from_address: u32, failures_for_moderator: u32) -> bool {
        failures_from_address < self.per_address && failures_for_moderator < self.per_moderator
    }
}

#[cfg(test)]
mod tests {
    use super::SignInLimits;

    #[test]
    fn the_fifth_failure_for_a_name_or_the_twentieth_from_an_address_stops_sign_in() {
        let limits = SignInLimits::DEFAULT;
        assert!(limits.allows(19, 4));
        assert!(!limits.allows(19, 5));
        assert!(!limits.allows(20, 0));
    }
}
