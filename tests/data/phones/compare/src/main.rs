//! Measures two Rust ports of libphonenumber against a corpus made by libphonenumber itself
//! (`../corpus.csv`): how many answers differ, by kind, with the first of each; and, with
//! `SPEED=1`, how fast each parses 200,000 French and Belgian numbers.
use std::collections::BTreeMap;
use std::time::Instant;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Answer {
    /// None: could not parse.
    e164: Option<String>,
    valid: bool,
    kind: String,
}

fn kind_pn(t: phonenumber::Type) -> String {
    use phonenumber::Type::*;
    match t {
        FixedLine => "FIXED_LINE",
        Mobile => "MOBILE",
        FixedLineOrMobile => "FIXED_LINE_OR_MOBILE",
        TollFree => "TOLL_FREE",
        PremiumRate => "PREMIUM_RATE",
        SharedCost => "SHARED_COST",
        Voip => "VOIP",
        PersonalNumber => "PERSONAL_NUMBER",
        Pager => "PAGER",
        Uan => "UAN",
        Voicemail => "VOICEMAIL",
        _ => "UNKNOWN",
    }
    .to_owned()
}

fn with_phonenumber(input: &str, region: &str) -> Answer {
    let id: Option<phonenumber::country::Id> = region.parse().ok();
    match phonenumber::parse(id, input) {
        Err(_) => Answer { e164: None, valid: false, kind: String::new() },
        Ok(n) => Answer {
            e164: Some(n.format().mode(phonenumber::Mode::E164).to_string()),
            valid: phonenumber::is_valid(&n),
            kind: kind_pn(n.number_type(&phonenumber::metadata::DATABASE)),
        },
    }
}

fn kind_rl(t: rlibphonenumber::PhoneNumberType) -> String {
    use rlibphonenumber::PhoneNumberType::*;
    match t {
        FixedLine => "FIXED_LINE",
        Mobile => "MOBILE",
        FixedLineOrMobile => "FIXED_LINE_OR_MOBILE",
        TollFree => "TOLL_FREE",
        PremiumRate => "PREMIUM_RATE",
        SharedCost => "SHARED_COST",
        VoIP => "VOIP",
        PersonalNumber => "PERSONAL_NUMBER",
        Pager => "PAGER",
        UAN => "UAN",
        VoiceMail => "VOICEMAIL",
        _ => "UNKNOWN",
    }
    .to_owned()
}

fn with_rlib(input: &str, region: &str) -> Answer {
    let region: Option<rlibphonenumber::Region> = region.parse().ok();
    match rlibphonenumber::PHONE_NUMBER_UTIL.parse(input, region) {
        Err(_) => Answer { e164: None, valid: false, kind: String::new() },
        Ok(n) => Answer {
            e164: Some(n.format_as(rlibphonenumber::PhoneNumberFormat::E164).into_owned()),
            valid: n.is_valid(),
            kind: kind_rl(n.get_type()),
        },
    }
}

fn main() {
    if std::env::var("SPEED").is_ok() { speed(); return; }
    let path = std::env::args().nth(1).expect("corpus path");
    let mut rows = Vec::new();
    for r in csv::Reader::from_path(&path).unwrap().records() {
        let r = r.unwrap();
        let e164 = (!r[2].is_empty()).then(|| r[2].to_owned());
        rows.push((r[0].to_owned(), r[1].to_owned(), Answer { e164, valid: &r[3] == "true", kind: r[4].to_owned() }));
    }
    for (name, f) in [("phonenumber 0.3.10+9.0.33", with_phonenumber as fn(&str, &str) -> Answer), ("rlibphonenumber 2.2.15 (9.0.42)", with_rlib)] {
        let t = Instant::now();
        let (mut parse, mut e164, mut valid, mut kind, mut both) = (0, 0, 0, 0, 0);
        let mut examples: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (input, region, want) in &rows {
            let got = f(input, region);
            let p = got.e164.is_some() != want.e164.is_some();
            let e = !p && got.e164 != want.e164;
            let v = got.valid != want.valid;
            let k = want.e164.is_some() && got.e164.is_some() && got.kind != want.kind;
            if p { parse += 1; examples.entry("parse").or_default().push(format!("{input:?} {region}: got {got:?} want {want:?}")); }
            if e { e164 += 1; examples.entry("e164").or_default().push(format!("{input:?} {region}: got {got:?} want {want:?}")); }
            if v { valid += 1; examples.entry("valid").or_default().push(format!("{input:?} {region}: got {got:?} want {want:?}")); }
            if k { kind += 1; examples.entry("kind").or_default().push(format!("{input:?} {region}: got {got:?} want {want:?}")); }
            // What Herald keeps: a valid number and its E.164.
            let herald_got = got.valid.then(|| got.e164.clone());
            let herald_want = want.valid.then(|| want.e164.clone());
            if herald_got != herald_want { both += 1; examples.entry("herald").or_default().push(format!("{input:?} {region}: got {got:?} want {want:?}")); }
        }
        let el = t.elapsed();
        println!("{name}: {} rows in {:?} ({:.2} µs/row)\n  parse/no-parse differs: {parse}\n  E.164 differs: {e164}\n  validity differs: {valid}\n  type differs: {kind}\n  valid-number-and-E.164 (what Herald keeps) differs: {both}", rows.len(), el, el.as_secs_f64() * 1e6 / rows.len() as f64);
        for (what, list) in &examples {
            println!("  -- {what}: first of {}", list.len());
            for l in list.iter().take(12) { println!("     {l}"); }
        }
    }
}

fn speed() {
    let inputs: Vec<String> = (0..200_000u64).map(|i| match i % 5 {
        0 => format!("06{:08}", (i * 7919) % 100_000_000),
        1 => format!("+33 7 {:02} {:02} {:02} {:02}", i % 100, (i / 100) % 100, (i / 7) % 100, (i / 13) % 100),
        2 => format!("06.{:02}.{:02}.{:02}.{:02}", i % 100, (i / 100) % 100, (i / 7) % 100, (i / 13) % 100),
        3 => format!("0033 6{:08}", (i * 31) % 100_000_000),
        _ => format!("+32 470 {:02} {:02} {:02}", i % 100, (i / 100) % 100, (i / 7) % 100),
    }).collect();
    let fr: Option<rlibphonenumber::Region> = "FR".parse().ok();
    let t = Instant::now();
    let _ = rlibphonenumber::PHONE_NUMBER_UTIL.parse("0612345678", fr);
    println!("rlib first parse (init): {:?}", t.elapsed());
    for _ in 0..2 {
    let t = Instant::now();
    let mut valid = 0;
    for s in &inputs {
        if let Ok(n) = rlibphonenumber::PHONE_NUMBER_UTIL.parse(s, fr) { if n.is_valid() { valid += 1; let _ = n.get_type(); } }
    }
    println!("rlib: {} in {:?} ({:.2} µs each), {valid} valid", inputs.len(), t.elapsed(), t.elapsed().as_secs_f64()*1e6/inputs.len() as f64);
    }
    let t = Instant::now();
    let id: Option<phonenumber::country::Id> = "FR".parse().ok();
    let _ = phonenumber::parse(id, "0612345678");
    println!("phonenumber first parse (init): {:?}", t.elapsed());
    let t = Instant::now();
    let mut valid = 0;
    for s in &inputs {
        if let Ok(n) = phonenumber::parse(id, s) { if phonenumber::is_valid(&n) { valid += 1; } }
    }
    println!("phonenumber: {} in {:?} ({:.2} µs each), {valid} valid", inputs.len(), t.elapsed(), t.elapsed().as_secs_f64()*1e6/inputs.len() as f64);
}
