//! Delivery-report URLs carry a signature of the delivery and attempt they are about, so a
//! report can't be forged or pointed at another message. One key, shared through the store.
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

#[derive(Clone)]
pub struct ReportSigner {
    key: Vec<u8>,
}

impl ReportSigner {
    pub fn new(key: &[u8]) -> ReportSigner {
        ReportSigner { key: key.to_vec() }
    }

    fn mac(&self, delivery: i64, attempt: u32) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(format!("{delivery}:{attempt}").as_bytes());
        mac
    }

    /// 128 bits of the HMAC, as hex: short enough for a URL, far too long to guess.
    pub fn sign(&self, delivery: i64, attempt: u32) -> String {
        let tag = self.mac(delivery, attempt).finalize().into_bytes();
        tag[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The key Kannel's `sms-service` puts in the MO URL (`/kannel/mo?k=KEY`).
    pub fn mo_key(&self) -> String {
        self.sign(0, 0)
    }

    pub fn verify_mo_key(&self, key: &str) -> bool {
        self.verify(0, 0, key)
    }

    /// Compares in constant time.
    pub fn verify(&self, delivery: i64, attempt: u32, signature: &str) -> bool {
        let Some(bytes) = hex(signature) else {
            return false;
        };
        self.mac(delivery, attempt)
            .verify_truncated_left(&bytes)
            .is_ok()
            && bytes.len() == 16
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_fits_one_delivery_and_attempt_only() {
        let signer = ReportSigner::new(b"key");
        let sig = signer.sign(42, 1);
        assert_eq!(sig.len(), 32);
        assert!(signer.verify(42, 1, &sig));
        assert!(!signer.verify(42, 2, &sig));
        assert!(!signer.verify(43, 1, &sig));
        assert!(!ReportSigner::new(b"other").verify(42, 1, &sig));
        assert!(!signer.verify(42, 1, &sig[..30]));
        assert!(!signer.verify(42, 1, "zz"));
    }
}
