//! Time and nonce fields: values made from a clock reading or random bytes that the caller
//! supplies, and the age of a request against the scheme's window. Pure functions only.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use super::calendar::civil_from_days;
use super::calendar::days_from_civil;
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
        FieldKind::Iso8601Basic | FieldKind::Rfc3339 => {
            let secs = unix_millis.div_euclid(1000);
            let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
            let s = secs.rem_euclid(86_400);
            let (h, mi, sec) = (s / 3600, s / 60 % 60, s % 60);
            Some(if kind == FieldKind::Iso8601Basic {
                format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{sec:02}Z")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}Z")
            })
        }
        _ => None,
    }
}

/// Unix milliseconds of `YYYYMMDDTHHMMSSZ` or `YYYY-MM-DDTHH:MM:SSZ` (fractions of a second
/// and a numeric offset accepted in the second form).
fn iso_millis(value: &str, basic: bool) -> Option<i64> {
    let digits = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let (date, rest) = value.split_once(['T', 't'])?;
    let (y, m, d) = if basic {
        // Eight ASCII characters: slicing by bytes then cannot cut a character.
        (date.len() == 8 && date.is_ascii()).then_some(())?;
        (
            digits(&date[..4])?,
            digits(&date[4..6])?,
            digits(&date[6..])?,
        )
    } else {
        let mut p = date.split('-');
        let parts = (digits(p.next()?)?, digits(p.next()?)?, digits(p.next()?)?);
        p.next().is_none().then_some(parts)?
    };
    let (time, offset) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, 0)
    } else if basic {
        return None;
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (t, o) = rest.split_at(at);
        let (oh, om) = o[1..].split_once(':')?;
        let sign = if o.starts_with('-') { -1 } else { 1 };
        (t, sign * (digits(oh)? * 60 + digits(om)?) * 60)
    };
    let time = time.split_once('.').map_or(time, |(t, _)| t);
    let (h, mi, s) = if basic {
        (time.len() == 6 && time.is_ascii()).then_some(())?;
        (
            digits(&time[..2])?,
            digits(&time[2..4])?,
            digits(&time[4..])?,
        )
    } else {
        let mut p = time.split(':');
        let parts = (digits(p.next()?)?, digits(p.next()?)?, digits(p.next()?)?);
        p.next().is_none().then_some(parts)?
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y, m as u32, d as u32);
    let secs = days.checked_mul(86_400)? + h * 3600 + mi * 60 + s - offset;
    secs.checked_mul(1000)
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
        FieldKind::Iso8601Basic => iso_millis(value, true),
        FieldKind::Rfc3339 => iso_millis(value, false),
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
        self.millis.unsigned_abs() <= self.window_seconds.saturating_mul(1000)
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
    // Years 0 to 9999: anything beyond is a mistake, and would overflow the arithmetic.
    const RANGE: std::ops::RangeInclusive<i64> = -62_167_219_200_000..=253_402_300_799_999;
    Some(match request_millis(field.kind, value) {
        Some(t) if !RANGE.contains(&t) => Err(format!(
            "`{}` is out of range (years 0 to 9999): `{value}`",
            field.name
        )),
        Some(t) => Ok(Age {
            millis: now_millis.saturating_sub(t),
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
    fn iso8601_basic_and_rfc3339() {
        // AWS's test suite date and Alibaba's documented timestamp.
        let aws = request_millis(FieldKind::Iso8601Basic, "20150830T123600Z").unwrap();
        assert_eq!(aws, 1_440_938_160_000);
        assert_eq!(
            time_value(FieldKind::Iso8601Basic, aws).unwrap(),
            "20150830T123600Z"
        );
        let ali = request_millis(FieldKind::Rfc3339, "2016-02-23T12:46:24Z").unwrap();
        assert_eq!(ali, 1_456_231_584_000);
        assert_eq!(
            time_value(FieldKind::Rfc3339, ali).unwrap(),
            "2016-02-23T12:46:24Z"
        );
        assert_eq!(
            request_millis(FieldKind::Rfc3339, "2016-02-23T14:46:24.5+02:00"),
            Some(ali)
        );
        assert_eq!(
            request_millis(FieldKind::Iso8601Basic, "20151330T123600Z"),
            None
        );
        assert_eq!(request_millis(FieldKind::Rfc3339, "yesterday"), None);
        // Found by the http1 fuzz target: a byte count of 6 or 8 that is not 6 or 8 characters
        // (a BOM inside the time, an é inside the date) is no time, not a panic.
        assert_eq!(
            request_millis(FieldKind::Iso8601Basic, "20260114T0\u{feff}00Z"),
            None
        );
        assert_eq!(
            request_millis(FieldKind::Iso8601Basic, "2026\u{e9}14T093000Z"),
            None
        );
        assert_eq!(civil_from_days(17_952), (2019, 2, 25));
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
    fn extreme_times_and_windows_are_out_of_range_not_overflows() {
        let mut recipe = crate::sign::builtin::all()
            .unwrap()
            .into_iter()
            .find(|r| r.id == "huawei-tenant")
            .unwrap();
        let field = recipe.window.as_ref().unwrap().field.clone();
        let fields = |v: &str| [(field.clone(), v.to_string())].into_iter().collect();
        let now = 1_700_000_000_000;
        for v in [
            "-9223372036854775808",
            "9223372036854775807",
            "253402300800000",
        ] {
            let e = age(&recipe, &fields(v), now).unwrap().unwrap_err();
            assert!(e.contains("out of range (years 0 to 9999)"), "{v}: {e}");
        }
        recipe.window.as_mut().unwrap().seconds = 18_446_744_073_709_552;
        let a = age(&recipe, &fields("1700000000000"), now)
            .unwrap()
            .unwrap();
        assert!(a.accepted());
        let a = age(&recipe, &fields("0"), i64::MAX).unwrap().unwrap();
        assert!(
            a.accepted(),
            "a window of 584 million years accepts anything"
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
