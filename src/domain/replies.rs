//! Messages people send back. A reply whose first word is an opt-out keyword ("STOP", and its
//! usual French and English forms) puts the number on the opt-out list of whoever wrote to it.

const OPT_OUT_WORDS: [&str; 6] = ["STOP", "ARRET", "ARRÊT", "STOPSMS", "UNSUBSCRIBE", "END"];

pub fn is_opt_out(text: &str) -> bool {
    let first = text
        .split(|c: char| c.is_whitespace() || c.is_ascii_punctuation())
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    OPT_OUT_WORDS
        .iter()
        .any(|w| first.eq_ignore_ascii_case(w) || first.to_uppercase() == *w)
}

#[cfg(test)]
mod tests {
    use super::is_opt_out;

    #[test]
    fn the_first_word_decides() {
        for yes in ["STOP", "stop", " Stop.", "STOP SMS", "arrêt", "Arret merci"] {
            assert!(is_opt_out(yes), "{yes}");
        }
        for no in ["", "merci", "don't stop", "STOPPED", "Hello STOP"] {
            assert!(!is_opt_out(no), "{no}");
        }
    }
}
