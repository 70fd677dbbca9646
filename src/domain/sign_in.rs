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

/// What a moderator's password must be: long enough to resist guessing, and more than a
/// run of one key (twelve spaces were once accepted). No composition rules: length counts.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Argon2 would hash a megabyte, but nobody types one: a cap keeps hashing cheap.
pub const MAX_PASSWORD_CHARS: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must be at least {min} characters long")]
    TooShort { min: usize },
    #[error("the password must be at most {max} characters long")]
    TooLong { max: usize },
    #[error("the password is one character repeated (or only blanks): choose a real passphrase")]
    OneCharacter,
}

pub fn check_password(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort {
            min: MIN_PASSWORD_CHARS,
        });
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong {
            max: MAX_PASSWORD_CHARS,
        });
    }
    let mut visible = password.chars().filter(|c| !c.is_whitespace());
    match visible.next() {
        Some(first) if visible.any(|c| c != first) => Ok(()),
        _ => Err(PasswordError::OneCharacter),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_twelve_characters_and_more_than_one_key() {
        assert_eq!(check_password("correct horse battery"), Ok(()));
        assert_eq!(check_password("abcdefghijkl"), Ok(()));
        assert_eq!(
            check_password("abcdefghijk"),
            Err(PasswordError::TooShort { min: 12 })
        );
        for weak in [
            "            ",
            "\t\t\t\t\t\t\t\t\t\t\t\t",
            "aaaaaaaaaaaa",
            "a a a a a a a",
        ] {
            assert_eq!(
                check_password(weak),
                Err(PasswordError::OneCharacter),
                "{weak:?}"
            );
        }
        assert_eq!(
            check_password(&"ab".repeat(513)),
            Err(PasswordError::TooLong { max: 1024 })
        );
    }

    #[test]
    fn the_fifth_failure_for_a_name_or_the_twentieth_from_an_address_stops_sign_in() {
        let limits = SignInLimits::DEFAULT;
        assert!(limits.allows(19, 4));
        assert!(!limits.allows(19, 5));
        assert!(!limits.allows(20, 0));
    }
}
