//! The primitives that stages apply, one file each, registered in [`ALL`]. Each file declares
//! its [`Spec`] (name, summary, arguments, export function, published values) and implements
//! [`crate::sign::primitive::Primitive`]; adding a primitive is adding its file and a line here.

mod base64_;
mod cavage;
mod check;
mod concat;
mod crc32;
mod date;
mod decode;
mod ecdsa;
mod ed25519;
mod hash;
mod headers;
mod hex_;
mod hmac_;
mod json;
mod json_string;
mod output;
mod param;
mod params;
mod path;
mod percent;
mod php_serialize;
mod rsa_;
mod sigbase;
mod suffix;
mod switch;
mod text;
mod url;
mod xml_params;

pub use self::headers::parse_header_lines;
pub use self::params::{ParamSort, Repeats};
pub use self::percent::{Keep, percent_encode};

use super::primitive::Spec;

/// Every primitive, by the key that names it in a recipe.
pub const ALL: &[&Spec] = &[
    &concat::SPEC,
    &hmac_::SPEC,
    &hash::SPEC,
    &crc32::SPEC,
    &ecdsa::SPEC,
    &ed25519::SPEC,
    &rsa_::SPEC,
    &hex_::SPEC,
    &base64_::SPEC,
    &decode::FROM_BASE64,
    &decode::FROM_HEX,
    &json::SPEC,
    &json_string::SPEC,
    &params::SPEC,
    &php_serialize::SPEC,
    &xml_params::SPEC,
    &param::SPEC,
    &url::SPEC,
    &percent::ENCODE,
    &percent::DECODE,
    &text::LOWER,
    &text::UPPER,
    &text::TRIM,
    &text::SLICE,
    &suffix::SPEC,
    &switch::SPEC,
    &headers::CANONICAL,
    &headers::SIGNED,
    &path::SPEC,
    &date::SPEC,
    &check::SPEC,
    &sigbase::SPEC,
    &cavage::SPEC,
];

/// The spec of a primitive name.
pub fn spec(name: &str) -> Option<&'static Spec> {
    ALL.iter().copied().find(|e| e.name == name)
}

/// The README's primitives table, made from the specs: one row a primitive, with its own value,
/// its arguments (each with its default and meaning) and its result.
pub fn readme_table() -> String {
    let mut out = String::from("| primitive | arguments | result |\n|---|---|---|\n");
    for spec in ALL {
        let args: Vec<String> = spec
            .args
            .iter()
            .map(|a| {
                let default = match a.default {
                    Some("") | None => String::new(),
                    // A line end or tab as a recipe writes it (`\n`), not as itself.
                    Some(d) => format!(
                        ", default `{}`",
                        d.replace('\n', "\\n").replace('\t', "\\t")
                    ),
                };
                format!("`{} = {}`: {}{default}", a.name, a.kind.written(), a.doc)
            })
            .collect();
        out.push_str(&format!(
            "| `{} = {}` | {} | {} |\n",
            spec.name,
            spec.main.kind.written(),
            if args.is_empty() {
                String::new()
            } else {
                args.join("; ")
            },
            spec.summary
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::sign::primitive::Expected;
    use crate::sign::{Inputs, Recipe, Selection, run};

    /// A recipe of one stage, the vector's.
    fn one_stage(stage: &str) -> Recipe {
        let text = format!(
            "id = \"vector\"\nname = \"vector\"\ndescription = \"a published value\"\n\n\
             [[fields]]\nname = \"url\"\nkind = \"url\"\ndefault = \"https://example.com/\"\n\n\
             [[stages]]\nname = \"out\"\n{stage}\n\n\
             [[stages]]\nname = \"signature\"\nhex = \"{{out}}\"\n"
        );
        Recipe::from_toml(&text).unwrap_or_else(|e| panic!("{stage}: {e}"))
    }

    #[test]
    fn every_primitive_reproduces_its_published_values() {
        for spec in ALL {
            assert!(!spec.vectors.is_empty(), "`{}` has no vector", spec.name);
            for v in spec.vectors {
                let recipe = one_stage(v.stage);
                assert_eq!(recipe.stages[0].primitive, spec.name, "{}", v.stage);
                let trace = run(
                    &recipe,
                    &Inputs {
                        fields: &BTreeMap::new(),
                        key: v.key.as_bytes(),
                        body: v.body.as_bytes(),
                        headers: b"",
                        selection: &Selection::default(),
                        received: None,
                    },
                )
                .unwrap_or_else(|e| panic!("{} ({}): {e}", spec.name, v.source));
                let got = &trace.stage("out").expect("the vector's stage").bytes;
                match v.expected {
                    Expected::Text(t) => assert_eq!(
                        String::from_utf8_lossy(got),
                        t,
                        "{} ({})",
                        spec.name,
                        v.source
                    ),
                    Expected::Hex(h) => {
                        assert_eq!(hex::encode(got), h, "{} ({})", spec.name, v.source)
                    }
                }
            }
        }
    }

    #[test]
    fn every_primitive_has_unit_tests_and_one_name() {
        let mut names: Vec<&str> = ALL.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len(), "two primitives share a name");
        for spec in ALL {
            let source =
                std::fs::read_to_string(spec.file).unwrap_or_else(|e| panic!("{}: {e}", spec.file));
            assert!(
                source.contains("#[test]"),
                "{} ({}) has no unit test",
                spec.name,
                spec.file
            );
            assert_eq!(
                spec.main.name, spec.name,
                "the main argument is the primitive's key"
            );
            assert!(
                !spec.summary.contains('|') && spec.args.iter().all(|a| !a.doc.contains('|')),
                "`{}`: a `|` would break the README's table",
                spec.name
            );
        }
    }

    #[test]
    fn no_primitive_is_named_like_an_argument() {
        // A stage's primitive is the key of its table that names one: a primitive named like
        // another's argument (`hex`'s `case`) would make that stage hold two.
        for spec in ALL {
            for arg in spec.args {
                assert!(
                    super::spec(arg.name).is_none(),
                    "`{}` takes `{}`, which is also a primitive",
                    spec.name,
                    arg.name
                );
            }
        }
    }

    #[test]
    fn the_readme_lists_every_primitive_as_the_specs_say() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
            .expect("README.md");
        let (begin, end) = ("<!-- primitives: begin -->\n", "<!-- primitives: end -->");
        let at = readme
            .find(begin)
            .expect("the README marks its primitives table")
            + begin.len();
        let to = readme[at..].find(end).expect("the table's end marker") + at;
        let table = readme_table();
        if readme[at..to] != table && std::env::var_os("SIGSCOPE_BLESS").is_some() {
            let updated = format!("{}{table}{}", &readme[..at], &readme[to..]);
            std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"), updated)
                .expect("README.md written");
            return;
        }
        assert!(
            readme[at..to] == table,
            "the README's primitives table differs from the specs (run the test with \
             SIGSCOPE_BLESS=1 to write it):\n{table}"
        );
    }
}
