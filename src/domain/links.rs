//! Links in a message, as a phone would make them clickable: what a moderator should look at
//! before approving, and the kinds no marketing SMS may carry.
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

/// Public link shorteners, which hide where a link goes and are often filtered by carriers.
pub const LINK_SHORTENERS: &[&str] = &[
    "bit.ly",
    "tinyurl.com",
    "goo.gl",
    "t.co",
    "ow.ly",
    "is.gd",
    "buff.ly",
    "cutt.ly",
    "rebrand.ly",
    "shorturl.at",
    "tiny.cc",
];

/// Top-level domains a phone links without a scheme ("example.fr/soldes"); other bare words
/// with a dot ("M.Dupont", "3.5") are not links.
const BARE_LINK_TLDS: &[&str] = &[
    "com", "fr", "net", "org", "eu", "be", "ch", "lu", "ca", "io", "co", "info", "shop", "store",
    "app", "me", "ly", "gl", "at", "cc", "gd", "re", "gp", "mq", "gf", "yt", "pm", "nc", "pf",
    "paris", "bzh", "online", "site", "link",
];

/// What a moderator should know about a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkFlag {
    /// `http://`: readable and changeable on the way.
    PlainHttp,
    /// A bare IP address instead of a name: nobody can tell whose it is.
    IpAddress,
    /// An internationalised name in its `xn--` form, which can imitate another.
    Punycode,
    /// A name with non-Latin letters, which can look like another ("аpple.com" with a
    /// Cyrillic а).
    LookAlike,
    /// A public shortener: where it leads is hidden.
    Shortener,
}

/// A link in a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// As written.
    pub text: String,
    /// Where it starts, counting characters from 1.
    pub position: usize,
    pub host: String,
    pub flags: Vec<LinkFlag>,
}

/// The words of `text` with the position (from 1) of their first character.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut position = 0;
    let mut start = None;
    let mut out = Vec::new();
    for (byte, c) in text.char_indices() {
        position += 1;
        match (c.is_whitespace(), start) {
            (false, None) => start = Some((byte, position)),
            (true, Some((from, at))) => {
                out.push((at, &text[from..byte]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some((from, at)) = start {
        out.push((at, &text[from..]));
    }
    out.into_iter()
}

fn trimmed(word: &str) -> (usize, &str) {
    let leading = |c: char| matches!(c, '(' | '[' | '{' | '«' | '"' | '\'' | '<');
    let trailing = |c: char| {
        matches!(
            c,
            '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '»' | '"' | '\'' | '>'
        )
    };
    let start = word.trim_start_matches(leading);
    let skipped = word[..word.len() - start.len()].chars().count();
    (skipped, start.trim_end_matches(trailing))
}

fn host_of(rest: &str) -> &str {
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if authority.starts_with('[') {
        return authority
            .split(']')
            .next()
            .map_or(authority, |h| &authority[..h.len() + 1]);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// Every link in `text`, in order.
pub fn links_in(text: &str) -> Vec<Link> {
    let mut links = Vec::new();
    for (position, word) in words(text) {
        let (skipped, word) = trimmed(word);
        let lower = word.to_lowercase();
        let (rest, plain_http) = if let Some(rest) = lower.strip_prefix("https://") {
            (rest, false)
        } else if let Some(rest) = lower.strip_prefix("http://") {
            (rest, true)
        } else {
            (lower.as_str(), false)
        };
        let host = host_of(rest).trim_end_matches('.');
        let has_scheme = rest.len() != lower.len();
        let tld = host.rsplit('.').next().unwrap_or("");
        // A bare IPv4 address is a link once a path or a port follows it ("1.2.3.4/promo");
        // alone it may be a version number.
        let bare_ip = host.parse::<Ipv4Addr>().is_ok() && rest.len() > host.len();
        let is_link = has_scheme
            || bare_ip
            || host.starts_with("www.")
            || (host.contains('.') && BARE_LINK_TLDS.contains(&tld));
        if !is_link || host.is_empty() {
            continue;
        }
        let mut flags = Vec::new();
        if plain_http {
            flags.push(LinkFlag::PlainHttp);
        }
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if bare.parse::<Ipv4Addr>().is_ok() || bare.parse::<Ipv6Addr>().is_ok() {
            flags.push(LinkFlag::IpAddress);
        }
        if host.split('.').any(|label| label.starts_with("xn--")) {
            flags.push(LinkFlag::Punycode);
        }
        if !host.is_ascii() {
            flags.push(LinkFlag::LookAlike);
        }
        let name = host.strip_prefix("www.").unwrap_or(host);
        if LINK_SHORTENERS.contains(&name) {
            flags.push(LinkFlag::Shortener);
        }
        links.push(Link {
            text: word.to_owned(),
            position: position + skipped,
            host: host.to_owned(),
            flags,
        });
    }
    links
}

/// A `javascript:` link, or a `data:` one (`data:text/html,…`, `data:,…`, `data:;base64,…`),
/// with where it starts (from 1): a phone would run it or open it as a document.
/// "data: 5 Go" is text.
pub fn forbidden_scheme(text: &str) -> Option<(String, usize)> {
    // Schemes are ASCII: lowering ASCII only keeps positions aligned with the text's.
    let lower: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    for i in 0..lower.len() {
        if i > 0 && lower[i - 1].is_alphanumeric() {
            continue;
        }
        let rest: String = lower[i..].iter().take(20).collect();
        if rest.starts_with("javascript:") {
            return Some(("javascript".into(), i + 1));
        }
        if let Some(after) = rest.strip_prefix("data:") {
            let media_type = after.split_once('/').is_some_and(|(kind, _)| {
                !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphabetic())
            });
            if media_type || after.starts_with(',') || after.starts_with(';') {
                return Some(("data".into(), i + 1));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(text: &str) -> Vec<(String, Vec<LinkFlag>)> {
        links_in(text)
            .into_iter()
            .map(|l| (l.host, l.flags))
            .collect()
    }

    #[test]
    fn links_are_found_with_or_without_a_scheme() {
        let links =
            links_in("Soldes sur https://www.boutique.fr/soldes, ou boutique.fr. STOP au 36180");
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].text, "https://www.boutique.fr/soldes");
        assert_eq!(links[0].position, 12);
        assert_eq!(links[0].host, "www.boutique.fr");
        assert!(links[0].flags.is_empty());
        assert_eq!(links[1].text, "boutique.fr");
        // Words with a dot are not links unless they look like one.
        assert!(links_in("M.Dupont a 3.5 points. Fin.").is_empty());
    }

    #[test]
    fn each_risk_is_flagged() {
        assert_eq!(
            flags("http://boutique.fr"),
            [("boutique.fr".into(), vec![LinkFlag::PlainHttp])]
        );
        assert_eq!(
            flags("https://192.168.1.10/promo"),
            [("192.168.1.10".into(), vec![LinkFlag::IpAddress])]
        );
        assert_eq!(
            flags("https://[2001:db8::1]/x"),
            [("[2001:db8::1]".into(), vec![LinkFlag::IpAddress])]
        );
        assert_eq!(
            flags("https://xn--pple-43d.com"),
            [("xn--pple-43d.com".into(), vec![LinkFlag::Punycode])]
        );
        assert_eq!(
            flags("https://аpple.com"),
            [("аpple.com".into(), vec![LinkFlag::LookAlike])]
        );
        assert_eq!(
            flags("(bit.ly/abc)"),
            [("bit.ly".into(), vec![LinkFlag::Shortener])]
        );
        assert_eq!(
            flags("Voir 1.2.3.4/promo"),
            [("1.2.3.4".into(), vec![LinkFlag::IpAddress])]
        );
        assert!(flags("Version 1.2.3.4 disponible").is_empty());
        assert_eq!(
            flags("http://user@1.2.3.4:8080/x"),
            [(
                "1.2.3.4".into(),
                vec![LinkFlag::PlainHttp, LinkFlag::IpAddress]
            )]
        );
    }

    #[test]
    fn scripts_and_documents_are_found_but_not_words() {
        assert_eq!(
            forbidden_scheme("Cliquez javascript:alert(1)"),
            Some(("javascript".into(), 9))
        );
        assert_eq!(
            forbidden_scheme("Voir DATA:text/html;base64,PGgxPg=="),
            Some(("data".into(), 6))
        );
        assert_eq!(forbidden_scheme("x data:,hello"), Some(("data".into(), 3)));
        assert_eq!(
            forbidden_scheme("data:;base64,PGgxPg=="),
            Some(("data".into(), 1))
        );
        assert_eq!(forbidden_scheme("Forfait data: 100 Go !"), None);
        assert_eq!(forbidden_scheme("metadata:text/x"), None);
        assert_eq!(forbidden_scheme("Soldes ! STOP au 36180"), None);
    }
}
