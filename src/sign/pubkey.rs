//! Keys for public-key signatures, read as users have them: PEM (an SPKI public key, a PKCS#8 or
//! PKCS#1 private key, a SEC1 EC private key, an X.509 certificate), DER, a JWK or a JWKS (picked
//! by `kid`), and an Ed25519 key as 32 raw bytes in hex or base64 (Discord's and Telnyx's public
//! keys). Each key says what it is: its kind and size, where it came from, and the SHA-256
//! fingerprint of its public key (SPKI DER), which is not a secret.
//!
//! Pure: bytes in, a key or one sentence out.

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey};
use sha2::{Digest, Sha256};

/// The algorithms a key can be for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Ed25519,
    P256,
    P384,
    Rsa,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::Ed25519 => "Ed25519",
            Family::P256 => "ECDSA P-256",
            Family::P384 => "ECDSA P-384",
            Family::Rsa => "RSA",
        }
    }
}

/// A key's material: public, or private (which holds its public key).
pub enum Material {
    Ed25519Public(ed25519_dalek::VerifyingKey),
    Ed25519Private(Box<ed25519_dalek::SigningKey>),
    P256Public(p256::ecdsa::VerifyingKey),
    P256Private(p256::ecdsa::SigningKey),
    P384Public(p384::ecdsa::VerifyingKey),
    P384Private(p384::ecdsa::SigningKey),
    RsaPublic(rsa::RsaPublicKey),
    RsaPrivate(Box<rsa::RsaPrivateKey>),
}

/// A key read from what the user gave, with what it is.
pub struct Key {
    pub material: Material,
    /// The form it was read from: `PEM public key (SPKI)`, `X.509 certificate (subject …)`,
    /// `JWKS (kid "k1", the 2nd of 3)`, `32 bytes in hex` …
    pub form: String,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({}, {})", self.kind(), self.form)
    }
}

impl Key {
    pub fn family(&self) -> Family {
        match &self.material {
            Material::Ed25519Public(_) | Material::Ed25519Private(_) => Family::Ed25519,
            Material::P256Public(_) | Material::P256Private(_) => Family::P256,
            Material::P384Public(_) | Material::P384Private(_) => Family::P384,
            Material::RsaPublic(_) | Material::RsaPrivate(_) => Family::Rsa,
        }
    }

    pub fn is_private(&self) -> bool {
        matches!(
            self.material,
            Material::Ed25519Private(_)
                | Material::P256Private(_)
                | Material::P384Private(_)
                | Material::RsaPrivate(_)
        )
    }

    /// `Ed25519 public key`, `RSA-2048 private key` …
    pub fn kind(&self) -> String {
        let which = if self.is_private() {
            "private"
        } else {
            "public"
        };
        match &self.material {
            Material::RsaPublic(k) => format!(
                "RSA-{} {which} key",
                rsa::traits::PublicKeyParts::n(k).bits()
            ),
            Material::RsaPrivate(k) => {
                format!(
                    "RSA-{} {which} key",
                    rsa::traits::PublicKeyParts::n(k.as_ref()).bits()
                )
            }
            _ => format!("{} {which} key", self.family().name()),
        }
    }

    /// The public key as SPKI DER.
    pub fn public_der(&self) -> Vec<u8> {
        let der = match &self.material {
            Material::Ed25519Public(k) => k.to_public_key_der(),
            Material::Ed25519Private(k) => k.verifying_key().to_public_key_der(),
            Material::P256Public(k) => k.to_public_key_der(),
            Material::P256Private(k) => k.verifying_key().to_public_key_der(),
            Material::P384Public(k) => k.to_public_key_der(),
            Material::P384Private(k) => k.verifying_key().to_public_key_der(),
            Material::RsaPublic(k) => k.to_public_key_der(),
            Material::RsaPrivate(k) => k.to_public_key().to_public_key_der(),
        };
        der.map(|d| d.as_bytes().to_vec()).unwrap_or_default()
    }

    /// `SHA256:` and the unpadded base64 of the SHA-256 of the public key's SPKI DER (the form
    /// OpenSSH prints); the same for a private key and its public key.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.public_der());
        format!(
            "SHA256:{}",
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
        )
    }

    /// One line: kind, fingerprint, form.
    pub fn summary(&self) -> String {
        format!("{}, {} ({})", self.kind(), self.fingerprint(), self.form)
    }
}

const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);
const LENIENT_B64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Base64 in either alphabet, padded or not (a key's or a signature's text).
pub fn base64_any(text: &str) -> Option<Vec<u8>> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    LENIENT_B64
        .decode(&t)
        .ok()
        .or_else(|| LENIENT_B64URL.decode(&t).ok())
}

/// Reads a key. `kid`: the key id a JWKS is searched for (the token's `kid`); without it a JWKS
/// of one key gives that key.
pub fn parse(bytes: &[u8], kid: Option<&str>) -> Result<Key, String> {
    let text = std::str::from_utf8(bytes).ok().map(str::trim);
    if let Some(t) = text {
        if t.starts_with("-----BEGIN") {
            return from_pem(t);
        }
        if t.starts_with('{') {
            return from_jwk_text(t, kid);
        }
        let hexed = hex::decode(t).ok();
        if let Some(raw) = hexed.as_deref() {
            if raw.len() == 32 {
                return ed25519_raw(raw, "32 bytes in hex");
            }
            if raw.first() == Some(&0x30) {
                return from_der(raw, "DER in hex");
            }
        }
        if !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+/-_=\n\r ".contains(c))
            && let Some(raw) = base64_any(t)
        {
            if raw.len() == 32 {
                return ed25519_raw(&raw, "32 bytes in base64");
            }
            if raw.first() == Some(&0x30) {
                return from_der(&raw, "DER in base64");
            }
        }
    }
    if binary_der(bytes) {
        return from_der(bytes, "DER");
    }
    if bytes.len() == 32 {
        return ed25519_raw(bytes, "32 raw bytes");
    }
    Err(
        "is not a key sigscope reads: expected PEM (PUBLIC KEY, PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or CERTIFICATE), DER, a JWK or JWKS, or an Ed25519 key as 32 bytes in hex or base64"
            .to_string(),
    )
}

fn ed25519_raw(raw: &[u8], form: &str) -> Result<Key, String> {
    let bytes: [u8; 32] = raw.try_into().map_err(|_| "is not 32 bytes".to_string())?;
    let k = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map_err(|_| format!("({form}) is not an Ed25519 public key (not a point of the curve)"))?;
    Ok(Key {
        material: Material::Ed25519Public(k),
        form: format!("Ed25519 public key as {form}"),
    })
}

fn from_pem(text: &str) -> Result<Key, String> {
    let label = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("-----BEGIN "))
        .and_then(|l| l.strip_suffix("-----"))
        .unwrap_or("")
        .to_string();
    let (_, der) = pem_rfc7468_decode(text).map_err(|e| format!("PEM {label}: {e}"))?;
    match label.as_str() {
        "PUBLIC KEY" => spki(&der, "PEM public key (SPKI)"),
        "PRIVATE KEY" => pkcs8_private(&der, "PEM private key (PKCS#8)"),
        "RSA PRIVATE KEY" => {
            use pkcs1::DecodeRsaPrivateKey;
            let k = rsa::RsaPrivateKey::from_pkcs1_der(&der)
                .map_err(|e| format!("PEM RSA PRIVATE KEY (PKCS#1): {e}"))?;
            Ok(Key {
                material: Material::RsaPrivate(Box::new(k)),
                form: "PEM RSA private key (PKCS#1)".into(),
            })
        }
        "RSA PUBLIC KEY" => {
            use pkcs1::DecodeRsaPublicKey;
            let k = rsa::RsaPublicKey::from_pkcs1_der(&der)
                .map_err(|e| format!("PEM RSA PUBLIC KEY (PKCS#1): {e}"))?;
            Ok(Key {
                material: Material::RsaPublic(k),
                form: "PEM RSA public key (PKCS#1)".into(),
            })
        }
        "EC PRIVATE KEY" => {
            if let Ok(k) = p256::SecretKey::from_sec1_der(&der) {
                return Ok(Key {
                    material: Material::P256Private(k.into()),
                    form: "PEM EC private key (SEC1)".into(),
                });
            }
            let k = p384::SecretKey::from_sec1_der(&der)
                .map_err(|_| "PEM EC PRIVATE KEY: not a P-256 or P-384 key".to_string())?;
            Ok(Key {
                material: Material::P384Private(k.into()),
                form: "PEM EC private key (SEC1)".into(),
            })
        }
        "CERTIFICATE" => certificate(&der, "PEM"),
        other => Err(format!(
            "PEM `{other}` is not a key sigscope reads (PUBLIC KEY, PRIVATE KEY, RSA PRIVATE KEY, RSA PUBLIC KEY, EC PRIVATE KEY or CERTIFICATE)"
        )),
    }
}

/// The first PEM block's label and DER bytes.
fn pem_rfc7468_decode(text: &str) -> Result<(String, Vec<u8>), String> {
    let mut lines = text.lines().map(str::trim);
    let first = lines.next().unwrap_or("");
    let label = first
        .strip_prefix("-----BEGIN ")
        .and_then(|l| l.strip_suffix("-----"))
        .ok_or("has no BEGIN line")?;
    let end = format!("-----END {label}-----");
    let mut b64 = String::new();
    for l in lines.by_ref() {
        if l == end {
            return base64::engine::general_purpose::STANDARD
                .decode(&b64)
                .map(|der| (label.to_string(), der))
                .map_err(|e| format!("its base64 does not decode ({e})"));
        }
        // Headers of old PEM (Proc-Type) are not base64.
        if l.contains(':') {
            return Err("is encrypted or has headers; give the key unencrypted".into());
        }
        b64.push_str(l);
    }
    Err(format!("has no `{end}` line"))
}

fn from_der(der: &[u8], form: &str) -> Result<Key, String> {
    spki(der, &format!("{form}, public key (SPKI)"))
        .or_else(|_| pkcs8_private(der, &format!("{form}, private key (PKCS#8)")))
        .or_else(|_| certificate(der, form))
        .map_err(|_| {
            format!("({form}) is not a public key (SPKI), a private key (PKCS#8) or a certificate")
        })
}

fn spki(der: &[u8], form: &str) -> Result<Key, String> {
    let material = if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_der(der) {
        Material::Ed25519Public(k)
    } else if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_der(der) {
        Material::P256Public(k)
    } else if let Ok(k) = p384::ecdsa::VerifyingKey::from_public_key_der(der) {
        Material::P384Public(k)
    } else if let Ok(k) = rsa::RsaPublicKey::from_public_key_der(der) {
        Material::RsaPublic(k)
    } else {
        return Err(format!(
            "{form}: not an Ed25519, P-256, P-384 or RSA public key"
        ));
    };
    Ok(Key {
        material,
        form: form.to_string(),
    })
}

fn pkcs8_private(der: &[u8], form: &str) -> Result<Key, String> {
    let material = if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_der(der) {
        Material::Ed25519Private(Box::new(k))
    } else if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_der(der) {
        Material::P256Private(k)
    } else if let Ok(k) = p384::ecdsa::SigningKey::from_pkcs8_der(der) {
        Material::P384Private(k)
    } else if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(der) {
        Material::RsaPrivate(Box::new(k))
    } else {
        return Err(format!(
            "{form}: not an Ed25519, P-256, P-384 or RSA private key"
        ));
    };
    Ok(Key {
        material,
        form: form.to_string(),
    })
}

fn certificate(der: &[u8], form: &str) -> Result<Key, String> {
    use x509_cert::der::{Decode, Encode};
    let cert =
        x509_cert::Certificate::from_der(der).map_err(|e| format!("{form} certificate: {e}"))?;
    let tbs = &cert.tbs_certificate;
    let spki_der = tbs
        .subject_public_key_info
        .to_der()
        .map_err(|e| format!("{form} certificate: its public key: {e}"))?;
    let validity = format!(
        "valid {} to {}",
        tbs.validity.not_before, tbs.validity.not_after
    );
    let what = format!(
        "{form} X.509 certificate: subject {}, issuer {}, {validity}",
        tbs.subject, tbs.issuer
    );
    let mut key = spki(&spki_der, &what)?;
    key.form = what;
    Ok(key)
}

fn from_jwk_text(text: &str, kid: Option<&str>) -> Result<Key, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("is not JSON (a JWK or JWKS): {e}"))?;
    if let Some(keys) = v.get("keys").and_then(|k| k.as_array()) {
        let count = keys.len();
        let (i, jwk) = match kid {
            Some(kid) => keys
                .iter()
                .enumerate()
                .find(|(_, k)| k.get("kid").and_then(|x| x.as_str()) == Some(kid))
                .ok_or_else(|| {
                    let kids: Vec<&str> = keys
                        .iter()
                        .filter_map(|k| k.get("kid").and_then(|x| x.as_str()))
                        .collect();
                    format!(
                        "(a JWKS of {count}) has no key with kid \"{kid}\" (its kids: {})",
                        kids.join(", ")
                    )
                })?,
            None if count == 1 => (0, &keys[0]),
            None => {
                return Err(format!(
                    "is a JWKS of {count} keys: the token names no kid to pick one by"
                ));
            }
        };
        let mut key = jwk_key(jwk)?;
        key.form = format!(
            "JWKS, kid \"{}\" (key {} of {count})",
            jwk.get("kid").and_then(|x| x.as_str()).unwrap_or(""),
            i + 1
        );
        return Ok(key);
    }
    jwk_key(&v)
}

fn jwk_key(jwk: &serde_json::Value) -> Result<Key, String> {
    let s = |name: &str| jwk.get(name).and_then(|x| x.as_str());
    let b = |name: &str| -> Result<Vec<u8>, String> {
        let t = s(name).ok_or_else(|| format!("JWK: no `{name}`"))?;
        LENIENT_B64URL
            .decode(t)
            .map_err(|e| format!("JWK: `{name}` is not base64url ({e})"))
    };
    let private = jwk.get("d").is_some();
    let kid = s("kid")
        .map(|k| format!(", kid \"{k}\""))
        .unwrap_or_default();
    let material = match (s("kty"), s("crv")) {
        (Some("OKP"), Some("Ed25519")) => {
            if private {
                let d: [u8; 32] = b("d")?
                    .try_into()
                    .map_err(|_| "JWK: `d` is not 32 bytes".to_string())?;
                Material::Ed25519Private(Box::new(ed25519_dalek::SigningKey::from_bytes(&d)))
            } else {
                let x: [u8; 32] = b("x")?
                    .try_into()
                    .map_err(|_| "JWK: `x` is not 32 bytes".to_string())?;
                Material::Ed25519Public(
                    ed25519_dalek::VerifyingKey::from_bytes(&x)
                        .map_err(|_| "JWK: `x` is not an Ed25519 point".to_string())?,
                )
            }
        }
        (Some("EC"), Some(crv @ ("P-256" | "P-384"))) => {
            let point = if private {
                Vec::new()
            } else {
                let mut point = vec![4u8];
                point.extend(&b("x")?);
                point.extend(&b("y")?);
                point
            };
            let bad = |e: String| format!("JWK ({crv}): {e}");
            match (crv, private) {
                ("P-256", false) => Material::P256Public(
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(&point)
                        .map_err(|e| bad(e.to_string()))?,
                ),
                ("P-256", true) => Material::P256Private(
                    p256::ecdsa::SigningKey::from_slice(&b("d")?)
                        .map_err(|e| bad(e.to_string()))?,
                ),
                (_, false) => Material::P384Public(
                    p384::ecdsa::VerifyingKey::from_sec1_bytes(&point)
                        .map_err(|e| bad(e.to_string()))?,
                ),
                (_, true) => Material::P384Private(
                    p384::ecdsa::SigningKey::from_slice(&b("d")?)
                        .map_err(|e| bad(e.to_string()))?,
                ),
            }
        }
        (Some("RSA"), _) => {
            let n = rsa::BigUint::from_bytes_be(&b("n")?);
            let e = rsa::BigUint::from_bytes_be(&b("e")?);
            if private {
                let d = rsa::BigUint::from_bytes_be(&b("d")?);
                let primes = match (b("p"), b("q")) {
                    (Ok(p), Ok(q)) => vec![
                        rsa::BigUint::from_bytes_be(&p),
                        rsa::BigUint::from_bytes_be(&q),
                    ],
                    _ => Vec::new(),
                };
                Material::RsaPrivate(Box::new(
                    rsa::RsaPrivateKey::from_components(n, e, d, primes)
                        .map_err(|e| format!("JWK (RSA): {e}"))?,
                ))
            } else {
                Material::RsaPublic(
                    rsa::RsaPublicKey::new(n, e).map_err(|e| format!("JWK (RSA): {e}"))?,
                )
            }
        }
        (kty, crv) => {
            return Err(format!(
                "JWK: kty {} crv {} is not a key sigscope reads (OKP Ed25519, EC P-256 or P-384, RSA)",
                kty.unwrap_or("(none)"),
                crv.unwrap_or("(none)")
            ));
        }
    };
    Ok(Key {
        material,
        form: format!("JWK{kid}"),
    })
}

/// Whether bytes are binary DER (a SEQUENCE that is not text): a hex secret that begins with
/// `0` (0x30) is not.
fn binary_der(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30)
        && (std::str::from_utf8(bytes).is_err()
            || bytes
                .iter()
                .any(|b| *b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t')))
}

/// A public key (or certificate) in words: its kind, fingerprint and form; None for anything
/// else (a private key or a secret is never described by its content). `public_scheme`: the
/// scheme verifies with a public key, so that 32 bytes in hex are one; else only what reads
/// unmistakably as a key (PEM, JWK, DER) is (an HMAC secret of 64 hex digits is not one).
pub fn describe_public(bytes: &[u8], public_scheme: bool) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?.trim_start();
    let looks_like_a_key =
        text.starts_with("-----BEGIN") || text.starts_with('{') || binary_der(bytes);
    if !(public_scheme || looks_like_a_key) {
        return None;
    }
    public_summary(bytes, public_scheme).map(|s| format!("{s} (a public key: not a secret)"))
}

/// A public key's summary (kind, fingerprint, form), under the rule of [`describe_public`].
pub fn public_summary(bytes: &[u8], public_scheme: bool) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?.trim_start();
    let looks_like_a_key =
        text.starts_with("-----BEGIN") || text.starts_with('{') || binary_der(bytes);
    if !(public_scheme || looks_like_a_key) {
        return None;
    }
    match parse(bytes, None) {
        Ok(key) => (!key.is_private()).then(|| key.summary()),
        // A JWKS of several keys reads only with a kid; it is a set of public keys still.
        Err(_) => {
            let v: serde_json::Value = serde_json::from_str(text).ok()?;
            let n = v.get("keys")?.as_array()?.len();
            Some(format!("a JWKS of {n} keys"))
        }
    }
}

/// Whether the bytes read unmistakably as a key (PEM, JWK, DER), so that the notes about a
/// secret's invisible bytes do not apply.
pub fn is_key_document(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let t = text.trim_start();
    t.starts_with("-----BEGIN") || (t.starts_with('{') && parse(bytes, None).is_ok())
}

/// The public-key primitives' `encoding` argument: how their signatures are written.
pub const ENCODING: crate::sign::args::ArgSpec = crate::sign::args::ArgSpec::optional(
    "encoding",
    crate::sign::args::Kind::Words(<SigText as crate::sign::args::ArgWords>::WORDS),
    "base64",
    "how the signature is written",
);

/// The public-key primitives' `kid_from` argument: what picks a JWKS's key.
pub const KID_FROM: crate::sign::args::ArgSpec = crate::sign::args::ArgSpec::optional(
    "kid_from",
    crate::sign::args::Kind::Template,
    "",
    "a JWT header (JSON) whose `kid`, or a key id, picks the key of a JWKS",
);

/// How a signature is written in its carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigText {
    Base64,
    Base64Url,
    Hex,
}
crate::arg_words!(SigText, {
    "base64" => SigText::Base64,
    "base64url" => SigText::Base64Url,
    "hex" => SigText::Hex,
});

impl SigText {
    pub fn name(self) -> &'static str {
        match self {
            SigText::Base64 => "base64",
            SigText::Base64Url => "base64url",
            SigText::Hex => "hex",
        }
    }

    /// The signature's bytes from its text: hex, or base64 in either alphabet, padded or not.
    pub fn decode(self, text: &str) -> Result<Vec<u8>, String> {
        let text = text.trim();
        match self {
            SigText::Hex => hex::decode(text).map_err(|e| format!("is not hex ({e})")),
            SigText::Base64 | SigText::Base64Url => {
                base64_any(text).ok_or_else(|| "is not base64".to_string())
            }
        }
    }

    pub fn encode(self, bytes: &[u8]) -> String {
        use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
        match self {
            SigText::Hex => hex::encode(bytes),
            SigText::Base64 => STANDARD.encode(bytes),
            SigText::Base64Url => URL_SAFE_NO_PAD.encode(bytes),
        }
    }
}

/// What a public-key stage does with a key: verify each received signature (with a public key,
/// or the public half of a private one), else sign (with a private key).
struct PkStage<'a> {
    /// `Ed25519`, `ECDSA-SHA256`, `RSASSA-PKCS1-v1_5 SHA-256` …
    pub algorithm: String,
    pub message: &'a [u8],
    pub key: &'a [u8],
    pub text: SigText,
    pub received: &'a [String],
    /// The key id that picks a JWKS's key (a JWT header's `kid`).
    pub kid: Option<String>,
}

/// The key id in a `kid_from` value: the `kid` member of a JSON object (a JWT's header), or
/// the text itself; None when empty or when the object has no `kid`.
pub fn kid_of(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?.trim();
    if text.is_empty() {
        return None;
    }
    if text.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        return v.get("kid")?.as_str().map(str::to_string);
    }
    Some(text.to_string())
}

/// The outcome of a public-key stage: the text it outputs (the verified signature exactly as
/// received, `not verified`, or the signature made) and how it was made, in words.
struct PkOut {
    pub text: String,
    pub how: String,
}

/// Verifies or signs. `verify(key, message, signature)` says in words what it found in the
/// signature (its form) or why it does not verify; `sign(key, message)` makes one.
fn verify_or_sign(
    stage: &PkStage,
    families: &[Family],
    verify: impl Fn(&Key, &[u8], &[u8]) -> Result<String, String>,
    sign: impl Fn(&Key, &[u8]) -> Result<Vec<u8>, String>,
) -> Result<PkOut, String> {
    let key = parse(stage.key, stage.kid.as_deref())?;
    if !families.contains(&key.family()) {
        let want: Vec<&str> = families.iter().map(|f| f.name()).collect();
        return Err(format!(
            "is an {} ({}): {} needs {} key",
            key.kind(),
            key.fingerprint(),
            stage.algorithm,
            want.join(" or ")
        ));
    }
    if stage.received.is_empty() {
        if !key.is_private() {
            return Err(format!(
                "is an {} ({}): making an {} signature needs the private key; to verify one, give the signature received (--expect, or --request with it)",
                key.kind(),
                key.fingerprint(),
                stage.algorithm
            ));
        }
        let sig = sign(&key, stage.message)?;
        return Ok(PkOut {
            text: stage.text.encode(&sig),
            how: format!(
                "{} signature of {} bytes, made with the {}, {}",
                stage.algorithm,
                stage.message.len(),
                key.summary(),
                stage.text.name()
            ),
        });
    }
    let count = stage.received.len();
    let mut notes = Vec::new();
    for (i, candidate) in stage.received.iter().enumerate() {
        let which = if count > 1 {
            format!("signature {} of {count}", i + 1)
        } else {
            "the signature".to_string()
        };
        let bytes = match stage.text.decode(candidate) {
            Ok(b) => b,
            Err(e) => {
                notes.push(format!("{which} {e} ({} expected)", stage.text.name()));
                continue;
            }
        };
        match verify(&key, stage.message, &bytes) {
            Ok(found) => {
                return Ok(PkOut {
                    text: candidate.trim().to_string(),
                    how: format!(
                        "{} verified: {which} ({} bytes from {}{found}) over {} bytes, with the {}",
                        stage.algorithm,
                        bytes.len(),
                        stage.text.name(),
                        stage.message.len(),
                        key.summary()
                    ),
                });
            }
            Err(why) => notes.push(format!(
                "{which} ({} bytes from {}) {why}",
                bytes.len(),
                stage.text.name()
            )),
        }
    }
    Ok(PkOut {
        text: NOT_VERIFIED.to_string(),
        how: format!(
            "{} NOT verified over {} bytes with the {}: {}",
            stage.algorithm,
            stage.message.len(),
            key.summary(),
            notes.join("; ")
        ),
    })
}

/// A public-key stage's algorithm: its name, how its signatures are written, and the key
/// families it takes.
pub struct PkKind<'a> {
    pub algorithm: String,
    pub text: SigText,
    pub families: &'a [Family],
}

/// Where a public-key stage's key is: its template, and the template whose kid picks a JWKS's
/// key.
pub struct KeyAt<'a> {
    pub key: &'a crate::sign::template::Template,
    pub kid_from: &'a crate::sign::template::Template,
}

/// A public-key stage's whole evaluation over a rendered message: the key (and kid) rendered,
/// each received signature verified or one made, as the stage's bytes (never secret) with how
/// they were made; a key that does not do is an error naming the key's input.
pub fn eval_stage(
    scope: &dyn crate::sign::primitive::Scope,
    at: KeyAt,
    message: &[u8],
    kind: PkKind,
    verify: impl Fn(&Key, &[u8], &[u8]) -> Result<String, String>,
    sign: impl Fn(&Key, &[u8]) -> Result<Vec<u8>, String>,
) -> Result<crate::sign::primitive::Out, crate::sign::SignError> {
    let key = scope.render(at.key)?;
    let kid = kid_of(&scope.render(at.kid_from)?.bytes);
    let stage = PkStage {
        algorithm: kind.algorithm,
        message,
        key: &key.bytes,
        text: kind.text,
        received: scope.received(),
        kid,
    };
    let out = verify_or_sign(&stage, kind.families, verify, sign).map_err(|message| {
        crate::sign::SignError::Input {
            input: scope.input_name(at.key),
            message,
        }
    })?;
    Ok(crate::sign::primitive::Out {
        bytes: out.text.into_bytes(),
        secret: Some(Vec::new()),
        how: Some(out.how),
    })
}

/// What a verifying stage outputs when no received signature verifies.
pub const NOT_VERIFIED: &str = "(not verified)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8032_test_1_public_key_reads_from_hex_and_base64() {
        // RFC 8032, section 7.1, TEST 1: the public key.
        let hex_key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
        let k = parse(hex_key.as_bytes(), None).unwrap();
        assert_eq!(k.kind(), "Ed25519 public key");
        let b64 = base64::engine::general_purpose::STANDARD.encode(hex::decode(hex_key).unwrap());
        let k2 = parse(b64.as_bytes(), None).unwrap();
        assert_eq!(k.fingerprint(), k2.fingerprint());
    }

    #[test]
    fn garbage_is_one_sentence() {
        for bad in [
            &b"hello"[..],
            b"-----BEGIN NOTHING-----\nAAAA\n-----END NOTHING-----",
            b"{\"keys\":[]}",
            b"\x30\x03\x02\x01\x00",
        ] {
            let e = parse(bad, None).unwrap_err();
            assert!(!e.contains('\n'), "{e}");
        }
    }
}
