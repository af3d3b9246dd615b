//! Time and nonce fields: values made from a clock reading or random bytes that the caller
//! supplies, and the age of a request against the scheme's window. Pure functions only.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::recipe::{Field, FieldKind, NonceAlphabet, Recipe};

/// The value of a time field at `unix_millis`, in the field's unit; None for other kinds.
pub fn time_value(kind: FieldKind, unix_millis: i64) -> Option<String> {
    match kind {
        FieldKind::UnixSeconds => Some(unix_millis.div_euclid(1000).to_string()),
        FieldKind::UnixMillis => Some(unix_millis.to_string()),
        FieldKind::Rfc1123Date => {
            let t = UNIX_EPOCH + Duration::from_millis(unix_millis.max(0) as u64);
            Some(httpdate::fmt_http_date(t))
        }
        _ => None,
    }
}

/// How many random bytes [`nonce_value`] reads for a field.
pub fn nonce_bytes_needed(field: &Field) -> usize {
    field.length * 2
}

/// A nonce in the field's alphabet and length, made from `random` (see [`nonce_bytes_needed`]).
pub fn nonce_value(field: &Field, random: &[u8]) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const HEX_LOWER: &[u8] = b"0123456789abcdef";
    const HEX_UPPER: &[u8] = b"0123456789ABCDEF";
    let alphabet = match field.alphabet {
        NonceAlphabet::Alnum => ALNUM,
        NonceAlphabet::HexLower => HEX_LOWER,
        NonceAlphabet::HexUpper => HEX_UPPER,
    };
    random
        .chunks(2)
        .take(field.length)
        .map(|c| {
            let n = u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)]) as usize;
            alphabet[n % alphabet.len()] as char
        })
        .collect()
}

/// The instant a time field's value stands for, in Unix milliseconds.
pub fn request_millis(kind: FieldKind, value: &str) -> Option<i64> {
    let value = value.trim();
    match kind {
        FieldKind::UnixSeconds => value.parse::<i64>().ok()?.checked_mul(1000),
        FieldKind::UnixMillis => value.parse::<i64>().ok(),
        FieldKind::Rfc1123Date => {
            let t: SystemTime = httpdate::parse_http_date(value).ok()?;
            let d = t.duration_since(UNIX_EPOCH).ok()?;
            i64::try_from(d.as_millis()).ok()
        }
        _ => None,
    }
}

/// How old a request is, measured against the scheme's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age {
    /// Now minus the request time; negative when the request time is in the future.
    pub millis: i64,
    pub window_seconds: u64,
}

impl Age {
    /// Whether a server would still accept the request.
    pub fn accepted(&self) -> bool {
        self.millis.unsigned_abs() <= self.window_seconds * 1000
    }
}

impl std::fmt::Display for Age {
    /// "12 s ago", "3 min in the future", "917 days ago".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.millis / 1000;
        let amount = match secs.unsigned_abs() {
            s if s < 120 => format!("{s} s"),
            s if s < 7200 => format!("{} min", s / 60),
            s if s < 172_800 => format!("{} h", s / 3600),
            s => format!("{} days", s / 86_400),
        };
        if secs >= 0 {
            write!(f, "{amount} ago")
        } else {
            write!(f, "{amount} in the future")
        }
    }
}

/// The age of the request in `fields` at `now_millis`: None when the scheme has no window or the
/// field is empty, Err when the field's value is not a time in its unit.
pub fn age(
    recipe: &Recipe,
    fields: &std::collections::BTreeMap<String, String>,
    now_millis: i64,
) -> Option<Result<Age, String>> {
    let window = recipe.window.as_ref()?;
    let field = recipe.field(&window.field)?;
    let value = fields.get(&field.name).filter(|v| !v.is_empty())?;
    Some(match request_millis(field.kind, value) {
        Some(t) => Ok(Age {
            millis: now_millis - t,
            window_seconds: window.seconds,
        }),
        None => Err(format!(
            "`{}` is not a {} value: `{value}`",
            field.name,
            field.kind.as_str()
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1123_matches_the_etower_example() {
        // The seed page's example date is Thu, 04 Nov 2021 03:39:28 GMT = 1635997168 s.
        assert_eq!(
            time_value(FieldKind::Rfc1123Date, 1_635_997_168_000).unwrap(),
            "Thu, 04 Nov 2021 03:39:28 GMT"
        );
        assert_eq!(
            request_millis(FieldKind::Rfc1123Date, "Thu, 04 Nov 2021 03:39:28 GMT"),
            Some(1_635_997_168_000)
        );
    }

    #[test]
    fn units() {
        assert_eq!(
            time_value(FieldKind::UnixSeconds, 1_565_314_789_999).unwrap(),
            "1565314789"
        );
        assert_eq!(
            time_value(FieldKind::UnixMillis, 1_716_363_778_801).unwrap(),
            "1716363778801"
        );
        assert_eq!(time_value(FieldKind::Nonce, 0), None);
        assert_eq!(request_millis(FieldKind::UnixSeconds, "12"), Some(12_000));
        assert_eq!(request_millis(FieldKind::UnixMillis, "x"), None);
    }

    #[test]
    fn nonce_alphabet_and_length() {
        let field: Field =
            toml::from_str("name='n'\nkind='nonce'\nlength=64\nalphabet='hex-upper'").unwrap();
        let random: Vec<u8> = (0..=255).collect();
        let n = nonce_value(&field, &random[..nonce_bytes_needed(&field)]);
        assert_eq!(n.len(), 64);
        assert!(
            n.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
        );
    }

    #[test]
    fn age_in_words() {
        let a = |millis| {
            Age {
                millis,
                window_seconds: 60,
            }
            .to_string()
        };
        assert_eq!(a(59_000), "59 s ago");
        assert_eq!(a(-180_000), "3 min in the future");
        assert_eq!(a(86_400_000 * 917 + 5), "917 days ago");
    }

    #[test]
    fn age_against_window() {
        let a = Age {
            millis: 61_000,
            window_seconds: 60,
        };
        assert!(!a.accepted());
        let a = Age {
            millis: -59_000,
            window_seconds: 60,
        };
        assert!(a.accepted());
    }
}
