//! Logs never show a whole phone number: whatever writes a log line (a field, an error's
//! text), numbers in it are masked on the way out, `+33612345678` as `+3361234****`.
use std::io::{self, Write};

/// Masks the last four digits of each phone number in `line`: `+` and 8 to 15 digits
/// (E.164), or a French national number (`0` and 9 digits). Longer runs of digits (Discord ids,
/// times) are left alone.
pub fn mask_phones(line: &str) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < bytes.len() {
        let plus = bytes[i] == b'+';
        let start = if plus { i + 1 } else { i };
        let preceded_by_digit = i > 0 && bytes[i - 1].is_ascii_digit();
        let run = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let is_phone = !preceded_by_digit
            && run > 0
            && match plus {
                true => (8..=15).contains(&run),
                false => run == 10 && bytes[start] == b'0',
            };
        if is_phone {
            let end = start + run;
            out.push_str(&line[i..end - 4]);
            out.push_str("****");
            i = end;
        } else if run > 0 {
            // A run of digits that is no number: copied whole, so its tail is not read as one.
            let end = start + run;
            out.push_str(&line[i..end]);
            i = end;
        } else {
            let c = line[i..].chars().next().unwrap_or('\u{fffd}');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Writes each log record to stderr with its phone numbers masked.
pub struct MaskedStderr {
    buffer: Vec<u8>,
}

impl Write for MaskedStderr {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for MaskedStderr {
    // The formatter writes one record per writer: it goes out whole, masked, when dropped.
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.buffer);
        let _ = io::stderr().lock().write_all(mask_phones(&text).as_bytes());
    }
}

/// For `tracing_subscriber`'s `with_writer`.
pub fn masked_stderr() -> MaskedStderr {
    MaskedStderr { buffer: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::mask_phones;

    #[test]
    fn numbers_are_masked_and_ids_are_not() {
        assert_eq!(
            mask_phones("sent to +33612345678 ok"),
            "sent to +3361234**** ok"
        );
        assert_eq!(
            mask_phones("\"0612345678\" refused"),
            "\"061234****\" refused"
        );
        assert_eq!(
            mask_phones("server=1234567890123456789 campaign=42"),
            "server=1234567890123456789 campaign=42"
        );
        // A run longer than a number is no number; nor is its tail.
        assert_eq!(mask_phones("t=17649836000000012"), "t=17649836000000012");
        assert_eq!(
            mask_phones("+12 and +4915112345678"),
            "+12 and +491511234****"
        );
        assert_eq!(mask_phones("é +33612345678é"), "é +3361234****é");
    }
}
