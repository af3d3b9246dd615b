//! Hash functions and MACs over them, fed whole or in pieces (a leaf: no other module of the core).

use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// A hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

crate::arg_words!(Alg, {
    "md5" => Alg::Md5, "sha1" => Alg::Sha1, "sha256" => Alg::Sha256, "sha384" => Alg::Sha384,
    "sha512" => Alg::Sha512,
});

impl Alg {
    /// The name as recipes write it (`sha256`).
    pub fn word(self) -> &'static str {
        match self {
            Alg::Md5 => "md5",
            Alg::Sha1 => "sha1",
            Alg::Sha256 => "sha256",
            Alg::Sha384 => "sha384",
            Alg::Sha512 => "sha512",
        }
    }

    /// The name as documents write it (`SHA-256`).
    pub fn label(self) -> &'static str {
        match self {
            Alg::Md5 => "MD5",
            Alg::Sha1 => "SHA-1",
            Alg::Sha256 => "SHA-256",
            Alg::Sha384 => "SHA-384",
            Alg::Sha512 => "SHA-512",
        }
    }
}

/// A MAC or hash being computed, fed in pieces.
#[derive(Clone)]
pub enum Digester {
    HmacMd5(Hmac<Md5>),
    HmacSha1(Hmac<Sha1>),
    HmacSha256(Hmac<Sha256>),
    HmacSha384(Hmac<Sha384>),
    HmacSha512(Hmac<Sha512>),
    Md5(Md5),
    Sha1(Sha1),
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl Digester {
    /// An HMAC with the given key (any length).
    pub fn hmac(alg: Alg, key: &[u8]) -> Digester {
        // HMAC accepts keys of every length, so new_from_slice cannot fail.
        const ANY: &str = "HMAC takes a key of any length";
        match alg {
            Alg::Md5 => Digester::HmacMd5(Hmac::new_from_slice(key).expect(ANY)),
            Alg::Sha1 => Digester::HmacSha1(Hmac::new_from_slice(key).expect(ANY)),
            Alg::Sha256 => Digester::HmacSha256(Hmac::new_from_slice(key).expect(ANY)),
            Alg::Sha384 => Digester::HmacSha384(Hmac::new_from_slice(key).expect(ANY)),
            Alg::Sha512 => Digester::HmacSha512(Hmac::new_from_slice(key).expect(ANY)),
        }
    }

    /// A plain hash.
    pub fn hash(alg: Alg) -> Digester {
        match alg {
            Alg::Md5 => Digester::Md5(Md5::new()),
            Alg::Sha1 => Digester::Sha1(Sha1::new()),
            Alg::Sha256 => Digester::Sha256(Sha256::new()),
            Alg::Sha384 => Digester::Sha384(Sha384::new()),
            Alg::Sha512 => Digester::Sha512(Sha512::new()),
        }
    }

    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Digester::HmacMd5(m) => m.update(data),
            Digester::HmacSha1(m) => m.update(data),
            Digester::HmacSha256(m) => m.update(data),
            Digester::HmacSha384(m) => m.update(data),
            Digester::HmacSha512(m) => m.update(data),
            Digester::Md5(h) => h.update(data),
            Digester::Sha1(h) => h.update(data),
            Digester::Sha256(h) => h.update(data),
            Digester::Sha384(h) => h.update(data),
            Digester::Sha512(h) => h.update(data),
        }
    }

    /// The raw MAC or digest.
    pub fn finish(self) -> Vec<u8> {
        match self {
            Digester::HmacMd5(m) => m.finalize().into_bytes().to_vec(),
            Digester::HmacSha1(m) => m.finalize().into_bytes().to_vec(),
            Digester::HmacSha256(m) => m.finalize().into_bytes().to_vec(),
            Digester::HmacSha384(m) => m.finalize().into_bytes().to_vec(),
            Digester::HmacSha512(m) => m.finalize().into_bytes().to_vec(),
            Digester::Md5(h) => h.finalize().to_vec(),
            Digester::Sha1(h) => h.finalize().to_vec(),
            Digester::Sha256(h) => h.finalize().to_vec(),
            Digester::Sha384(h) => h.finalize().to_vec(),
            Digester::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// HMAC of a whole message.
pub fn hmac(alg: Alg, key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut d = Digester::hmac(alg, key);
    d.update(message);
    d.finish()
}

/// The digest of a whole message.
pub fn hash(alg: Alg, message: &[u8]) -> Vec<u8> {
    let mut d = Digester::hash(alg);
    d.update(message);
    d.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_rfc4231_case_2() {
        let mac = hmac(Alg::Sha256, b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn hmac_sha1_rfc2202_case_2() {
        let mac = hmac(Alg::Sha1, b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }

    #[test]
    fn hmac_md5_rfc2104_and_rfc2202() {
        // RFC 2104, appendix: key 0x0b × 16, "Hi There"; RFC 2202 test case 2.
        assert_eq!(
            hex::encode(hmac(Alg::Md5, &[0x0b; 16], b"Hi There")),
            "9294727a3638bb1c13f48ef8158bfc9d"
        );
        assert_eq!(
            hex::encode(hmac(Alg::Md5, b"Jefe", b"what do ya want for nothing?")),
            "750c783e6ab0b503eaa86e310a5db738"
        );
    }

    #[test]
    fn hmac_sha512_rfc4231_case_2() {
        let mac = hmac(Alg::Sha512, b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }

    #[test]
    fn digests_fips_180_and_rfc1321() {
        let mut d = Digester::hash(Alg::Sha256);
        d.update(b"a");
        d.update(b"bc");
        assert_eq!(
            hex::encode(d.finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // RFC 1321, appendix A.5.
        assert_eq!(
            hex::encode(hash(Alg::Md5, b"message digest")),
            "f96b697d7cb7938d525a2f31aaf161d0"
        );
        assert_eq!(
            hex::encode(hash(Alg::Md5, b"")),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
    }
}
