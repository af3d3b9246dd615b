//! Comparing a computed signature with an expected one: in constant time, accepting the
//! differences a scheme's receivers accept (hex letter case, base64 alphabet), and saying where
//! two signatures first part when they do not match.

use subtle::{Choice, ConstantTimeEq};

use super::recipe::{Equivalence, Recipe};

/// How a computed signature relates to an expected one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// Byte for byte the same.
    Match,
    /// Different bytes that the scheme's receivers accept as the same (the reason, in words).
    Equivalent(&'static str),
    /// Different: the 0-based character where they first differ, and both lengths.
    Mismatch {
        at: usize,
        computed_len: usize,
        expected_len: usize,
    },
}

impl Comparison {
    /// Whether a receiver would accept the expected signature.
    pub fn accepted(&self) -> bool {
        !matches!(self, Comparison::Mismatch { .. })
    }
}

/// The signatures an expected value holds: the items of a carrier that lists several (Stripe's
/// `t=…,v1=…,v1=…`, Paddle's `ts=…;h1=…`, Standard Webhooks' `v1,… v1,…`) with their prefixes
/// taken off, as the recipe's `[signatures]` says; else the value itself.
pub fn candidates<'e>(recipe: &Recipe, expected: &'e str) -> Vec<&'e str> {
    let expected = expected.trim();
    let Some(list) = &recipe.signatures else {
        return vec![expected];
    };
    // A signature never holds whitespace: items are also split on it, so that groups a space
    // apart are read too (Persona's `t=…,v1=… t=…,v1=…` while a secret rotates).
    let items: Vec<&str> = match &list.separator {
        Some(sep) => expected
            .split(sep.as_str())
            .flat_map(str::split_whitespace)
            .collect(),
        None => expected.split_whitespace().collect(),
    };
    let found: Vec<&str> = items
        .iter()
        .filter_map(|item| {
            list.items.iter().find_map(|(prefix, suffix)| {
                item.strip_prefix(prefix.as_str())?
                    .strip_suffix(suffix.as_str())
            })
        })
        .collect();
    if found.is_empty() {
        vec![expected]
    } else {
        found
    }
}

/// How a signature compares with the best of the signatures an expected value holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetComparison<'e> {
    pub comparison: Comparison,
    /// The signature compared with: the one that matched, else the first.
    pub candidate: &'e str,
    /// Its place among the `count` signatures the expected value holds (0-based).
    pub index: usize,
    pub count: usize,
}

/// Compares with every signature the expected value holds (see [`candidates`]); a match with
/// any of them is a match.
pub fn compare_set<'e>(recipe: &Recipe, computed: &[u8], expected: &'e str) -> SetComparison<'e> {
    let list = candidates(recipe, expected);
    let results: Vec<Comparison> = list
        .iter()
        .map(|c| compare_one(recipe, computed, c))
        .collect();
    let index = results.iter().position(Comparison::accepted).unwrap_or(0);
    SetComparison {
        comparison: results[index].clone(),
        candidate: list[index],
        index,
        count: list.len(),
    }
}

/// Compares with the expected value, or with each signature it holds (see [`compare_set`]).
pub fn compare(recipe: &Recipe, computed: &[u8], expected: &str) -> Comparison {
    compare_set(recipe, computed, expected).comparison
}

/// Compares a computed signature with an expected one; surrounding whitespace of `expected` is
/// ignored.
///
/// The decision is made in constant time for inputs of a given length: the exact comparison and
/// every accepted difference (normalized copies of both, compared with `subtle`) are all computed,
/// over every byte and without early exits, before the verdict is read. What is not constant time,
/// on purpose: the lengths (never secret), and on a mismatch the position of the first differing
/// byte, computed after the verdict for display. Where they differ, the place is found after the
/// accepted differences are set aside, so that a case difference does not hide the real one.
fn compare_one(recipe: &Recipe, computed: &[u8], expected: &str) -> Comparison {
    let expected = expected.trim().as_bytes();
    let exact = computed.ct_eq(expected);
    let mut a = computed.to_vec();
    let mut b = expected.to_vec();
    let mut accepted: Option<&'static str> = None;
    let mut accepted_choice = Choice::from(0);
    for eq in &recipe.equivalent {
        let (normalize, reason): (fn(u8) -> u8, &'static str) = match eq {
            Equivalence::HexCase => (
                |b: u8| b.to_ascii_lowercase(),
                "hex letter case differs; receivers ignore case",
            ),
            Equivalence::Base64Alphabet => (
                |b: u8| match b {
                    b'-' => b'+',
                    b'_' => b'/',
                    b => b,
                },
                "base64 alphabet differs (URL-safe and standard); the server accepts both",
            ),
        };
        // Over every byte, no early exit.
        let applies = match eq {
            Equivalence::HexCase => a.iter().chain(&b).fold(Choice::from(1), |all, x| {
                all & Choice::from(u8::from(x.is_ascii_hexdigit()))
            }),
            Equivalence::Base64Alphabet => Choice::from(1),
        };
        let na: Vec<u8> = a.iter().map(|x| normalize(*x)).collect();
        let nb: Vec<u8> = b.iter().map(|x| normalize(*x)).collect();
        let same = applies & na.ct_eq(&nb);
        // For the display of a mismatch (after the verdict), differences the receiver accepts
        // are set aside.
        if bool::from(applies) {
            (a, b) = (na, nb);
        }
        // The first accepted difference in the recipe's order names the reason.
        let first = same & !accepted_choice;
        if bool::from(first) {
            accepted = Some(reason);
        }
        accepted_choice |= same;
    }
    if bool::from(exact) {
        return Comparison::Match;
    }
    if let Some(reason) = accepted {
        return Comparison::Equivalent(reason);
    }
    let at = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    Comparison::Mismatch {
        at,
        computed_len: computed.len(),
        expected_len: expected.len(),
    }
}

/// The outcome of a verification with several keys: the key that was accepted (else the
/// first), the signature it gave and how that compares.
#[derive(Debug)]
pub struct KeyedComparison<'e, T> {
    /// The 0-based place of the key among those given.
    pub key_index: usize,
    pub key_count: usize,
    /// What signing with that key gave (a trace).
    pub signed: T,
    pub set: SetComparison<'e>,
}

/// Signs with each of `key_count` keys in turn (`sign(i)` with the i-th) and compares with every
/// signature `expected` holds: the first key whose signature is accepted wins (Box's primary and
/// secondary keys, DocuSign's up to 100, a key being rotated); when none is, the first key's
/// result is the one reported. Each comparison is constant-time; which key matched is not a
/// secret. `signature` reads the signature bytes out of what `sign` returned.
pub fn with_keys<'e, T, E>(
    recipe: &Recipe,
    key_count: usize,
    expected: &'e str,
    mut sign: impl FnMut(usize) -> Result<T, E>,
    signature: impl Fn(&T) -> &[u8],
) -> Result<KeyedComparison<'e, T>, E> {
    let first = sign(0)?;
    let set = compare_set(recipe, signature(&first), expected);
    let mut best = KeyedComparison {
        key_index: 0,
        key_count: key_count.max(1),
        signed: first,
        set,
    };
    if best.set.comparison.accepted() {
        return Ok(best);
    }
    for i in 1..key_count {
        let signed = sign(i)?;
        let set = compare_set(recipe, signature(&signed), expected);
        if set.comparison.accepted() {
            best.key_index = i;
            best.signed = signed;
            best.set = set;
            return Ok(best);
        }
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::builtin;

    fn recipe(id: &str) -> Recipe {
        builtin::all()
            .unwrap()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap()
    }

    #[test]
    fn every_accepted_difference_is_weighed_and_the_display_keeps_real_differences() {
        let r = recipe("huawei-tenant");
        // Not hex: case is a real difference, shown where it is.
        assert_eq!(
            compare(&r, b"Zz1", "zz2"),
            Comparison::Mismatch {
                at: 0,
                computed_len: 3,
                expected_len: 3
            }
        );
        // Hex: case is set aside, the real difference is at the end.
        assert_eq!(
            compare(&r, b"AB1", "ab2"),
            Comparison::Mismatch {
                at: 2,
                computed_len: 3,
                expected_len: 3
            }
        );
    }

    #[test]
    fn hex_case_counts_for_huawei_only() {
        // HW-C1 and the upper-case form the seed page prints.
        let lower = b"a37e62fe673883f33e3d85769c35406e655a18ac506b869e515c488a31c07d28";
        let upper = "A37E62FE673883F33E3D85769C35406E655A18AC506B869E515C488A31C07D28";
        assert!(matches!(
            compare(&recipe("huawei-tenant"), lower, upper),
            Comparison::Equivalent(_)
        ));
        assert!(matches!(
            compare(&recipe("moneyhoney"), lower, upper),
            Comparison::Mismatch { at: 0, .. }
        ));
    }

    #[test]
    fn base64_alphabet_counts_for_etower() {
        // ET-3 (URL-safe) against ET-3-V1 (standard) from the shared vectors.
        let url_safe = b"uLHjT1vTYtUyrK_stX0nZdVUMzw=";
        let standard = "uLHjT1vTYtUyrK/stX0nZdVUMzw=";
        assert!(matches!(
            compare(&recipe("etower"), url_safe, standard),
            Comparison::Equivalent(_)
        ));
        assert!(!compare(&recipe("tpns"), url_safe, standard).accepted());
    }

    #[test]
    fn an_accepted_difference_does_not_hide_the_real_one() {
        let lower = b"a37e62fe673883f33e3d85769c35406e655a18ac506b869e515c488a31c07d28";
        let upper = "A37E62FE673883F33E3D85769C35406E655A18AC506B869E515C488A31C07D29";
        assert_eq!(
            compare(&recipe("huawei-tenant"), lower, upper),
            Comparison::Mismatch {
                at: 63,
                computed_len: 64,
                expected_len: 64
            }
        );
    }

    #[test]
    fn mismatch_says_where() {
        assert_eq!(
            compare(&recipe("tpns"), b"abcdef", " abXdef\n"),
            Comparison::Mismatch {
                at: 2,
                computed_len: 6,
                expected_len: 6
            }
        );
        assert_eq!(
            compare(&recipe("tpns"), b"abc", "abcd"),
            Comparison::Mismatch {
                at: 3,
                computed_len: 3,
                expected_len: 4
            }
        );
        assert_eq!(compare(&recipe("tpns"), b"abc", "abc"), Comparison::Match);
    }
}
