//! Files that hold several requests (a HAR file's entries, a collection's items): which one is
//! meant. `--entry N` or `--entry NAME` says; without it, the one request there is, or the one
//! that carries a signature some scheme recognizes; else an error listing the candidates.

use super::message::{Choices, ImportError, Imported, err};
use super::vars::Environment;
use crate::sign::Recipe;

/// What a caller tells the import besides the bytes: which request of several, the values of
/// a collection's variables, how to read a file a command line names, and how to tell that a
/// request carries a signature (by default: some built-in scheme recognizes one in it).
pub struct ImportOptions<'a> {
    pub entry: Option<EntrySelector>,
    pub environment: Option<Environment>,
    pub read_file: &'a mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
    pub signed: Option<&'a dyn Fn(&Imported) -> bool>,
}

impl ImportOptions<'_> {
    /// Whether a request carries a signature: the caller's test, else the built-in schemes'.
    pub(super) fn signed_fn(&self) -> Box<dyn Fn(&Imported) -> bool + '_> {
        match self.signed {
            Some(f) => Box::new(f),
            None => Box::new(|r: &Imported| {
                !super::recognize::recognize(builtin_recipes(), r).is_empty()
            }),
        }
    }

    /// `--environment X` as the user gave it, when one was.
    pub(super) fn environment_label(&self) -> Option<String> {
        self.environment.as_ref().map(|e| match e {
            Environment::Named(n) => format!("--environment {n}"),
            Environment::Values(v) => v.source.clone(),
        })
    }
}

/// The built-in schemes, read once (to tell which of several requests carries a signature).
fn builtin_recipes() -> &'static [Recipe] {
    static ALL: std::sync::OnceLock<Vec<Recipe>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| crate::sign::builtin::all().unwrap_or_default())
}

/// Which request of several: by its 1-based number in the list, or by its name (a collection
/// item's name or `Folder/Name` path, or a HAR entry's URL or a part of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntrySelector {
    Index(usize),
    Name(String),
}

impl EntrySelector {
    /// `3` is the third; anything else is a name.
    pub fn parse(text: &str) -> EntrySelector {
        match text.trim().parse::<usize>() {
            Ok(n) => EntrySelector::Index(n),
            Err(_) => EntrySelector::Name(text.to_string()),
        }
    }
}

impl std::fmt::Display for EntrySelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EntrySelector::Index(n) => write!(f, "{n}"),
            EntrySelector::Name(s) => f.write_str(s),
        }
    }
}

/// One request of several, as the list names it.
pub struct Candidate {
    /// What a name selects it by: a collection item's name, a HAR entry's URL.
    pub name: String,
    /// Its path of folders and name (`Orders/Create`), for collections; empty for HAR entries.
    pub path: String,
    pub method: String,
    pub url: String,
    /// The request, or why it does not read (said only when it is the one picked).
    pub request: Result<Imported, ImportError>,
}

impl Candidate {
    fn label(&self, n: usize) -> String {
        let what = if self.path.is_empty() {
            format!("{} {}", self.method, clip(&self.url, 70))
        } else {
            format!("`{}` ({} {})", self.path, self.method, clip(&self.url, 50))
        };
        format!("{n}. {what}")
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        s.chars().take(max - 1).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// How many candidates an error lists before `… and N more`.
const LISTED: usize = 12;

/// Picks the request meant among `candidates` (`what`: "the HAR file", "the collection").
/// `signed` says whether a request carries a signature some scheme recognizes.
pub fn pick(
    what: &str,
    mut candidates: Vec<Candidate>,
    entry: Option<&EntrySelector>,
    signed: &dyn Fn(&Imported) -> bool,
) -> Result<Imported, ImportError> {
    if candidates.is_empty() {
        return Err(err(0, format!("{what} holds no request")));
    }
    let index = match entry {
        Some(EntrySelector::Index(n)) => {
            if *n == 0 || *n > candidates.len() {
                return Err(err(
                    0,
                    format!(
                        "--entry {n}: {what} holds {} request{} (1 to {})",
                        candidates.len(),
                        if candidates.len() == 1 { "" } else { "s" },
                        candidates.len()
                    ),
                ));
            }
            n - 1
        }
        Some(EntrySelector::Name(name)) => by_name(what, &candidates, name)?,
        None if candidates.len() == 1 => 0,
        None => {
            let with_signature: Vec<usize> = candidates
                .iter()
                .enumerate()
                .filter(|(_, c)| c.request.as_ref().is_ok_and(signed))
                .map(|(i, _)| i)
                .collect();
            match with_signature.as_slice() {
                [one] => *one,
                [] => {
                    // A request that does not read (a variable without a value) may be the one
                    // meant: why it does not comes first.
                    let unread = candidates
                        .iter()
                        .enumerate()
                        .find_map(|(i, c)| c.request.as_ref().err().map(|e| (i, e)));
                    let message = match unread {
                        Some((i, e)) => format!(
                            "{what}: request {} does not read: {}; of the {} that read, none carries a signature (--entry N or --entry NAME picks one)",
                            candidates[i].label(i + 1),
                            e.message,
                            candidates.iter().filter(|c| c.request.is_ok()).count()
                        ),
                        None => format!(
                            "{what} holds {} requests and none carries a signature a scheme recognizes: pass --entry N or --entry NAME ({})",
                            candidates.len(),
                            list(&candidates, &(0..candidates.len()).collect::<Vec<_>>())
                        ),
                    };
                    return Err(with_choices(err(0, message), &candidates, &[]));
                }
                several => {
                    let e = err(
                        0,
                        format!(
                            "{what} holds {} requests and {} carry a signature: pass --entry N or --entry NAME ({})",
                            candidates.len(),
                            several.len(),
                            list(&candidates, several)
                        ),
                    );
                    return Err(with_choices(e, &candidates, several));
                }
            }
        }
    };
    let count = candidates.len();
    let chosen = candidates.swap_remove(index);
    let label = chosen.label(index + 1);
    match chosen.request {
        Ok(mut r) => {
            if entry.is_none() && count > 1 {
                r.notes.insert(
                    0,
                    format!("{what}: request {label} is read, the one that carries a signature"),
                );
            } else {
                r.notes
                    .insert(0, format!("{what}: request {label} is read"));
            }
            Ok(r)
        }
        Err(e) => Err(err(
            e.line,
            format!("{what}, request {label}: {}", e.message),
        )),
    }
}

/// The error with every candidate's label, to pick from.
fn with_choices(mut e: ImportError, candidates: &[Candidate], signed: &[usize]) -> ImportError {
    e.choices = Some(Choices {
        labels: candidates
            .iter()
            .enumerate()
            .map(|(i, c)| c.label(i + 1))
            .collect(),
        signed: signed.to_vec(),
    });
    e
}

fn list(candidates: &[Candidate], which: &[usize]) -> String {
    let mut parts: Vec<String> = which
        .iter()
        .take(LISTED)
        .map(|&i| candidates[i].label(i + 1))
        .collect();
    if which.len() > LISTED {
        parts.push(format!("… and {} more", which.len() - LISTED));
    }
    parts.join("; ")
}

/// The candidate a name selects: an exact name or path, then one in any case, then (for HAR
/// entries, named by URL) the one URL that contains the name.
fn by_name(what: &str, candidates: &[Candidate], name: &str) -> Result<usize, ImportError> {
    let tests: [&dyn Fn(&Candidate) -> bool; 3] = [
        &|c| c.name == name || c.path == name,
        &|c| c.name.eq_ignore_ascii_case(name) || c.path.eq_ignore_ascii_case(name),
        &|c| c.path.is_empty() && c.url.contains(name),
    ];
    for test in tests {
        let found: Vec<usize> = candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| test(c))
            .map(|(i, _)| i)
            .collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(*one),
            several => {
                return Err(err(
                    0,
                    format!(
                        "--entry {name}: {} requests of {what} answer to it: pass --entry N ({})",
                        several.len(),
                        list(candidates, several)
                    ),
                ));
            }
        }
    }
    Err(err(
        0,
        format!(
            "--entry {name}: no request of {what} is named so ({})",
            list(candidates, &(0..candidates.len()).collect::<Vec<_>>())
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, url: &str, sig: bool) -> Imported {
        Imported {
            method: method.into(),
            url: url.into(),
            headers: if sig {
                vec![("X-Sig".into(), "abc".into())]
            } else {
                Vec::new()
            },
            head: Vec::new(),
            body: Vec::new(),
            notes: Vec::new(),
            status: None,
        }
    }

    fn candidates() -> Vec<Candidate> {
        [
            ("GET", "https://h/a", false, "List"),
            ("POST", "https://h/b", true, "Create"),
            ("POST", "https://h/c", false, "create"),
        ]
        .into_iter()
        .map(|(m, u, s, n)| Candidate {
            name: n.into(),
            path: format!("Orders/{n}"),
            method: m.into(),
            url: u.into(),
            request: Ok(request(m, u, s)),
        })
        .collect()
    }

    fn signed(r: &Imported) -> bool {
        r.header("x-sig").is_some()
    }

    #[test]
    fn the_signed_one_the_numbered_one_and_the_named_one() {
        let r = pick("the collection", candidates(), None, &signed).unwrap();
        assert_eq!(r.url, "https://h/b");
        assert!(r.notes[0].contains("carries a signature"), "{:?}", r.notes);
        let r = pick(
            "the collection",
            candidates(),
            Some(&EntrySelector::Index(3)),
            &signed,
        )
        .unwrap();
        assert_eq!(r.url, "https://h/c");
        // An exact name before one in any case; a path too.
        let r = pick(
            "the collection",
            candidates(),
            Some(&EntrySelector::parse("create")),
            &signed,
        )
        .unwrap();
        assert_eq!(r.url, "https://h/c");
        let r = pick(
            "the collection",
            candidates(),
            Some(&EntrySelector::parse("Orders/List")),
            &signed,
        )
        .unwrap();
        assert_eq!(r.url, "https://h/a");
    }

    #[test]
    fn errors_list_the_candidates() {
        let e = pick("the collection", candidates(), None, &|_| false).unwrap_err();
        assert!(
            e.message.contains("none carries a signature")
                && e.message.contains("1. `Orders/List` (GET https://h/a)")
                && e.message.contains("--entry N"),
            "{e}"
        );
        let e = pick("the collection", candidates(), None, &|_| true).unwrap_err();
        assert!(e.message.contains("3 carry a signature"), "{e}");
        let e = pick(
            "the HAR file",
            candidates(),
            Some(&EntrySelector::Index(4)),
            &signed,
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "--entry 4: the HAR file holds 3 requests (1 to 3)"
        );
        let e = pick(
            "the collection",
            candidates(),
            Some(&EntrySelector::parse("Nope")),
            &signed,
        )
        .unwrap_err();
        assert!(e.message.starts_with("--entry Nope: no request"), "{e}");
    }
}
