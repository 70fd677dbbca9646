//! First-party short links: each link of a message is replaced, per recipient, by an address of
//! Herald's own (`<base>/l/<code>`), so that a click can be counted without handing the
//! recipients to a third-party shortener. The code is the whole secret: 64 random bits.
use std::fmt;

use super::links::{Link, links_in};

/// Base62 digits a code is written with.
const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Characters of a code: 62^11 > 2^64, so every code has the same length and a message's
/// length (hence its price) is known before its codes are drawn.
pub const CODE_LENGTH: usize = 11;

/// A short link's code: 64 random bits, written in 11 base62 characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinkCode(u64);

impl LinkCode {
    pub const fn from_random(bits: u64) -> LinkCode {
        LinkCode(bits)
    }

    /// Exactly 11 base62 characters of a value that fits 64 bits; anything else is no code.
    pub fn parse(text: &str) -> Option<LinkCode> {
        if text.len() != CODE_LENGTH {
            return None;
        }
        let mut value: u64 = 0;
        for byte in text.bytes() {
            let digit = DIGITS.iter().position(|d| *d == byte)? as u64;
            value = value.checked_mul(62)?.checked_add(digit)?;
        }
        Some(LinkCode(value))
    }

    /// As a database integer (the same 64 bits, signed).
    pub const fn to_stored(self) -> i64 {
        self.0 as i64
    }

    pub const fn from_stored(stored: i64) -> LinkCode {
        LinkCode(stored as u64)
    }
}

impl fmt::Display for LinkCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = [b'0'; CODE_LENGTH];
        let mut value = self.0;
        for slot in out.iter_mut().rev() {
            *slot = DIGITS[(value % 62) as usize];
            value /= 62;
        }
        f.write_str(std::str::from_utf8(&out).expect("base62 digits are ASCII"))
    }
}

/// Where short links point: an `http(s)://` address without query, of characters every phone
/// encodes in GSM-7, so a short link never changes a message's encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkBase(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkBaseError {
    #[error("a short-link address starts with https:// (or http://)")]
    NoScheme,
    #[error("a short-link address has a host and at most a path, without ?, # or spaces")]
    Malformed,
}

impl LinkBase {
    /// `https://hrld.fr`, `https://herald.example.com/go`; a name alone (`hrld.fr`) is taken as
    /// `https://`. A trailing `/` is dropped.
    pub fn parse(text: &str) -> Result<LinkBase, LinkBaseError> {
        let text = text.trim();
        let (scheme, rest) = match text.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") => ("https", rest),
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => ("http", rest),
            Some(_) => return Err(LinkBaseError::NoScheme),
            None => ("https", text),
        };
        let rest = rest.trim_end_matches('/');
        let allowed =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/' | ':' | '_');
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || host.starts_with(':') || !rest.chars().all(allowed) {
            return Err(LinkBaseError::Malformed);
        }
        Ok(LinkBase(format!("{scheme}://{rest}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An address only this machine can open (`localhost`, `127.…`, `[::1]`, `0.0.0.0`): short
    /// links to it would not open on a recipient's phone.
    pub fn is_local(&self) -> bool {
        let rest = self.0.split_once("://").map_or(self.0.as_str(), |(_, r)| r);
        let host = rest.split('/').next().unwrap_or_default();
        let host = host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                host
            }
        });
        host == "localhost" || host.starts_with("127.") || host == "0.0.0.0" || host == "[::1]"
    }

    /// The address a recipient gets for `code`.
    pub fn url(&self, code: LinkCode) -> String {
        format!("{}/l/{code}", self.0)
    }
}

/// How many links `text` holds, as a phone would make them clickable.
pub fn count_links(text: &str) -> usize {
    links_in(text).len()
}

/// Where a link leads once tapped: as written, with the scheme a phone would add to a bare name
/// (phones open `boutique.fr/soldes` as `http://`).
pub fn target_of(link: &Link) -> String {
    let lower = link.text.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        link.text.clone()
    } else {
        format!("http://{}", link.text)
    }
}

/// `text` with its `n`-th link (from 0) replaced by the address `short(n, link)` returns; the
/// text around links (punctuation after a link included) is kept as it was.
pub fn rewrite(text: &str, mut short: impl FnMut(usize, &Link) -> String) -> String {
    let links = links_in(text);
    if links.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + links.len() * 8);
    let mut copied = 0;
    let mut links = links.iter().enumerate().peekable();
    for (position, (byte, _)) in text.char_indices().enumerate() {
        let Some((index, link)) = links.peek() else {
            break;
        };
        if position + 1 == link.position {
            out.push_str(&text[copied..byte]);
            out.push_str(&short(*index, link));
            copied = byte + link.text.len();
            links.next();
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// `text` as it will be priced once shortened: each link replaced by an address of the real
/// length (every code has 11 characters).
pub fn priced_text(text: &str, base: &LinkBase) -> String {
    rewrite(text, |_, _| base.url(LinkCode(0)))
}

/// Link-preview fetchers (chat apps unfurling a pasted link, social networks' crawlers): they
/// are redirected like anyone, but their visit is not a recipient's click.
const PREVIEW_AGENTS: &[&str] = &[
    "discordbot",
    "slackbot",
    "slack-imgproxy",
    "whatsapp",
    "facebookexternalhit",
    "facebookcatalog",
    "twitterbot",
    "telegrambot",
    "linkedinbot",
    "skypeuripreview",
    "pinterestbot",
    "redditbot",
    "embedly",
    "applebot",
    "google-pagerenderer",
    "googlebot",
    "bingbot",
    "bingpreview",
    "yandexbot",
    "vkshare",
    "viber",
    "mastodon",
    "iframely",
    "outbrain",
    "qwantify",
    "duckduckbot",
];

/// A visit by a link-preview fetcher rather than a person. iMessage previews announce
/// themselves as Facebook's and Twitter's fetchers together, which the list covers; a
/// missing user agent is a program too.
pub fn is_preview_fetcher(user_agent: Option<&str>) -> bool {
    let Some(agent) = user_agent.map(str::trim).filter(|a| !a.is_empty()) else {
        return true;
    };
    let agent = agent.to_ascii_lowercase();
    PREVIEW_AGENTS.iter().any(|name| agent.contains(name))
}

/// How long an account's short links keep redirecting after their message was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LinkExpiry(u16);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("links expire after 1 to {max} days, not {given}", max = LinkExpiry::MAX_DAYS)]
pub struct LinkExpiryError {
    pub given: i64,
}

impl LinkExpiry {
    pub const MAX_DAYS: u16 = 3650;
    pub const DEFAULT: LinkExpiry = LinkExpiry(90);

    pub fn days(days: i64) -> Result<LinkExpiry, LinkExpiryError> {
        u16::try_from(days)
            .ok()
            .filter(|d| (1..=Self::MAX_DAYS).contains(d))
            .map(LinkExpiry)
            .ok_or(LinkExpiryError { given: days })
    }

    pub const fn as_days(self) -> u16 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_at_a_fixed_length() {
        for bits in [
            0,
            1,
            61,
            62,
            u64::MAX,
            0x8000_0000_0000_0000,
            12_345_678_901_234,
        ] {
            let code = LinkCode::from_random(bits);
            let text = code.to_string();
            assert_eq!(text.len(), CODE_LENGTH, "{text}");
            assert_eq!(LinkCode::parse(&text), Some(code));
            assert_eq!(LinkCode::from_stored(code.to_stored()), code);
        }
        assert_eq!(LinkCode::from_random(u64::MAX).to_string(), "LygHa16AHYF");
    }

    #[test]
    fn anything_but_a_code_is_refused() {
        for bad in [
            "",
            "abc",
            "LygHa16AHYG",
            "zzzzzzzzzzz",
            "0000000000-",
            "000000000000",
            "0000000000é",
        ] {
            assert_eq!(LinkCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn bases_are_http_addresses_a_phone_encodes_in_gsm7() {
        assert_eq!(
            LinkBase::parse("hrld.fr").unwrap().as_str(),
            "https://hrld.fr"
        );
        assert_eq!(
            LinkBase::parse("http://127.0.0.1:8080/").unwrap().as_str(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            LinkBase::parse("https://x.fr/go")
                .unwrap()
                .url(LinkCode(62)),
            "https://x.fr/go/l/00000000010"
        );
        assert_eq!(LinkBase::parse("ftp://x.fr"), Err(LinkBaseError::NoScheme));
        assert!(LinkBase::parse("http://127.0.0.1:8080").unwrap().is_local());
        assert!(LinkBase::parse("localhost:8080").unwrap().is_local());
        assert!(!LinkBase::parse("https://hrld.fr").unwrap().is_local());
        for bad in [
            "https://",
            "https://x.fr?a=1",
            "https://x fr",
            "https://hérald.fr",
        ] {
            assert_eq!(LinkBase::parse(bad), Err(LinkBaseError::Malformed), "{bad}");
        }
    }

    #[test]
    fn links_are_replaced_and_the_text_around_them_kept() {
        let base = LinkBase::parse("https://h.fr").unwrap();
        let text = "Soldes: https://boutique.fr/soldes, et boutique.fr. Bye {x} é";
        let out = rewrite(text, |n, _| base.url(LinkCode(n as u64)));
        assert_eq!(
            out,
            "Soldes: https://h.fr/l/00000000000, et https://h.fr/l/00000000001. Bye {x} é"
        );
        assert_eq!(priced_text(text, &base).len(), out.len());
        assert_eq!(
            rewrite("no link here", |_, _| unreachable!()),
            "no link here"
        );
        let targets: Vec<String> = links_in(text).iter().map(target_of).collect();
        assert_eq!(
            targets,
            ["https://boutique.fr/soldes", "http://boutique.fr"]
        );
    }

    #[test]
    fn preview_fetchers_are_told_apart_from_phones() {
        for bot in [
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "WhatsApp/2.23.20.0",
            "facebookexternalhit/1.1;line/11.1.0",
            "Mozilla/5.0 (Macintosh) AppleWebKit/601.2.4 Facebot Twitterbot/1.0",
            "TelegramBot (like TwitterBot)",
            "",
        ] {
            assert!(is_preview_fetcher(Some(bot)), "{bot}");
        }
        assert!(is_preview_fetcher(None));
        for phone in [
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36",
        ] {
            assert!(!is_preview_fetcher(Some(phone)), "{phone}");
        }
    }

    #[test]
    fn expiry_is_one_day_to_ten_years() {
        assert_eq!(LinkExpiry::days(90), Ok(LinkExpiry::DEFAULT));
        assert!(LinkExpiry::days(0).is_err());
        assert!(LinkExpiry::days(3651).is_err());
        assert_eq!(LinkExpiry::days(3650).unwrap().as_days(), 3650);
    }
}
