//! Text as people type it: accents dropped where a match should not depend on them.

/// The letter without its accent (`é` → `e`), for lower-case letters of French and its
/// neighbours; any other character as it is.
pub fn without_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::without_accent;

    #[test]
    fn accents_go_other_characters_stay() {
        let folded: String = "réunion zürich são paulo ça"
            .chars()
            .map(without_accent)
            .collect();
        assert_eq!(folded, "reunion zurich sao paulo ca");
        assert_eq!(
            without_accent('É'),
            'É',
            "lower case only: callers lower-case first"
        );
    }
}
