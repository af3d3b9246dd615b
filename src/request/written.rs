//! Header values as a request wrote them: the form a replay keeps when the scheme places the same
//! thing again. An `Authorization: Scheme a="1", b="2"` keeps its parameters' order, spacing and
//! quoting; a list of signatures (a secret's rotation, a message signed under two labels) stays
//! whole when the one placed is among its members.

/// The parts of a value split at the top-level separators (outside quotes and parentheses),
/// each with the separator text that follows it: `a=1, b="x,y"` is `[("a=1", ", "), ("b=\"x,y\"",
/// "")]`. `seps` are the separator characters; whitespace around them goes with the separator.
fn split_top(value: &str, seps: &[char]) -> Vec<(String, String)> {
    let mut parts = Vec::new();
    let (mut item, mut sep) = (String::new(), String::new());
    let (mut quoted, mut escaped, mut depth) = (false, false, 0usize);
    for c in value.chars() {
        let top = !quoted && depth == 0;
        if top && (seps.contains(&c) || (c.is_whitespace() && !item.is_empty())) {
            sep.push(c);
            continue;
        }
        if !sep.is_empty() {
            parts.push((std::mem::take(&mut item), std::mem::take(&mut sep)));
        }
        if escaped {
            escaped = false;
        } else if quoted {
            match c {
                '\\' => escaped = true,
                '"' => quoted = false,
                _ => {}
            }
        } else {
            match c {
                '"' => quoted = true,
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        item.push(c);
    }
    if !item.is_empty() || !sep.is_empty() {
        parts.push((item, sep));
    }
    parts
}

/// Whether `ours` is a run of the members of the list `theirs` holds, and `theirs` has more:
/// a request signed under several keys or labels (`v1=a,v1=b`; `t=1,v1=a t=1,v1=b`; an RFC 9421
/// dictionary's `sig1=…, sig2=…`) already carries the one placed.
pub fn holds_as_member(theirs: &str, ours: &str) -> bool {
    let members = |v: &str| -> Vec<String> {
        split_top(v, &[','])
            .into_iter()
            .map(|(item, _)| item)
            .filter(|i| !i.is_empty())
            .collect()
    };
    let (theirs, ours) = (members(theirs), members(ours));
    !ours.is_empty()
        && theirs.len() > ours.len()
        && theirs.windows(ours.len()).any(|w| w == ours.as_slice())
}

/// One `name=value` parameter of an auth header as written.
struct Param<'a> {
    name: &'a str,
    /// The value as written, quotes included.
    raw: &'a str,
}

impl Param<'_> {
    fn unquoted(&self) -> &str {
        self.raw
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(self.raw)
    }
}

/// `Scheme p=v, p="v"` as its scheme word, and its parameters with the separators after each;
/// None when a part is not `name=value`.
fn auth_params(value: &str) -> Option<(&str, Vec<(Param<'_>, String)>)> {
    let (word, rest) = value.split_once(' ')?;
    let rest = rest.trim_start();
    if word.is_empty() || word.contains('=') || rest.is_empty() {
        return None;
    }
    // The parts are cut from `rest` itself, so that each borrows from it.
    let mut params = Vec::new();
    let mut at = 0;
    for (item, sep) in split_top(rest, &[',', ';']) {
        let text = &rest[at..at + item.len()];
        at += item.len() + sep.len();
        let (name, raw) = text.split_once('=')?;
        if name.is_empty() || name.contains([' ', '"']) {
            return None;
        }
        params.push((Param { name, raw }, sep));
    }
    Some((word, params))
}

/// The request's own auth header with the values placed put in: when `ours` names the same
/// scheme and the same parameters as `theirs` (in any order, quoted or not), `theirs` keeps its
/// order, separators and quoting, and only the values that differ are replaced. With
/// `theirs_only`, parameters `ours` has beyond those of `theirs` are left out (a default the
/// request left unsaid, as cavage's headers="date"). None when the two are not the same
/// parameters.
pub fn in_their_form(theirs: &str, ours: &str, theirs_only: bool) -> Option<String> {
    let (their_word, their_params) = auth_params(theirs)?;
    let (our_word, our_params) = auth_params(ours)?;
    let count_fits = if theirs_only {
        their_params.len() <= our_params.len()
    } else {
        their_params.len() == our_params.len()
    };
    if !their_word.eq_ignore_ascii_case(our_word) || !count_fits {
        return None;
    }
    let mut out = format!("{their_word} ");
    let mut used = vec![false; our_params.len()];
    for (theirs, sep) in &their_params {
        let i = our_params
            .iter()
            .enumerate()
            .position(|(i, (p, _))| !used[i] && p.name.eq_ignore_ascii_case(theirs.name))?;
        used[i] = true;
        let ours = &our_params[i].0;
        let raw = if ours.unquoted() == theirs.unquoted() {
            theirs.raw
        } else {
            ours.raw
        };
        out.push_str(&format!("{}={raw}{sep}", theirs.name));
    }
    Some(out)
}

/// An auth header's parameters where the request carries them under a header named by the
/// scheme word, without the word (draft-cavage's `Signature: keyId=…,signature=…` beside its
/// `Authorization: Signature keyId=…` form): that header's name and its value with ours put in,
/// in its form. None when the request has no such header, or it holds other parameters.
pub fn under_word<'h>(headers: &'h [(String, String)], ours: &str) -> Option<(&'h str, String)> {
    let (word, _) = auth_params(ours)?;
    let (name, theirs) = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(word))?;
    let merged = in_their_form(&format!("{word} {theirs}"), ours, false)?;
    Some((name, merged[word.len() + 1..].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_params_keep_their_order_and_quoting() {
        let theirs = r#"Hawk mac="m1", hash="h", id="a", ts="1""#;
        let ours = r#"Hawk id="a", ts="1", hash="h", mac="m1""#;
        assert_eq!(in_their_form(theirs, ours, false).unwrap(), theirs);
        let ours = r#"Hawk id="a", ts="2", hash="h", mac="m2""#;
        assert_eq!(
            in_their_form(theirs, ours, false).unwrap(),
            r#"Hawk mac="m2", hash="h", id="a", ts="2""#
        );
        // Another scheme, or other parameters: not the same header.
        let other = r#"OAuth id="a", ts="1", hash="h", mac="m1""#;
        assert!(in_their_form(theirs, other, false).is_none());
        assert!(in_their_form(theirs, r#"Hawk id="a", ts="1", mac="m1""#, true).is_none());
        assert!(in_their_form("Bearer abc", "Bearer abd", false).is_none());
        // A parameter the request left out: kept out only when asked.
        let more = r#"Hawk id="a", ts="1", hash="h", mac="m1", ext="""#;
        assert!(in_their_form(theirs, more, false).is_none());
        assert_eq!(in_their_form(theirs, more, true).unwrap(), theirs);
        // `;` separated, values holding `=` and a quoted comma.
        let theirs = "EG1 b=x=;a=\"1,2\"";
        assert_eq!(
            in_their_form(theirs, "EG1 a=\"1,2\";b=y=", false).unwrap(),
            "EG1 b=y=;a=\"1,2\""
        );
    }

    #[test]
    fn parameters_go_under_the_header_the_scheme_word_names() {
        let headers = vec![
            ("date".to_string(), "d".to_string()),
            (
                "signature".to_string(),
                r#"keyId="k",signature="old""#.to_string(),
            ),
        ];
        let ours = r#"Signature keyId="k", signature="new""#;
        assert_eq!(
            under_word(&headers, ours).unwrap(),
            ("signature", r#"keyId="k",signature="new""#.to_string())
        );
        assert!(under_word(&headers, r#"Other keyId="k", signature="new""#).is_none());
        assert!(under_word(&headers, r#"Signature keyId="k""#).is_none());
    }

    #[test]
    fn a_list_holds_the_member_placed() {
        assert!(holds_as_member("v1=a,v1=b", "v1=b"));
        assert!(holds_as_member("t=1,v1=a t=1,v1=b", "t=1,v1=a"));
        assert!(holds_as_member(
            r#"sig1=("@method" "x");tag="a,b", sig2=("date")"#,
            r#"sig1=("@method" "x");tag="a,b""#
        ));
        assert!(!holds_as_member("v1=a,v1=b", "v1=c"));
        assert!(!holds_as_member("v1=a", "v1=a"));
        assert!(!holds_as_member("t=1,v1=a t=2,v1=b", "t=1,v1=b"));
    }
}
