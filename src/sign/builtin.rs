//! The built-in schemes, embedded from `assets/providers/` (every file there, by `build.rs`).

use super::recipe::{Recipe, RecipeError};

/// The id of the scheme shown when none is named.
pub const DEFAULT_SCHEME: &str = "tpns";

/// (file name, TOML text) of every built-in recipe, in display order: every file of
/// `assets/providers/`, by group and then name (`build.rs` lists them).
pub const SOURCES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// Every built-in recipe, loaded. A built-in that fails to load is a bug caught by the tests,
/// which also run every check on each (so start-up does not: see [`Recipe::from_checked_toml`]).
pub fn all() -> Result<Vec<Recipe>, (&'static str, RecipeError)> {
    SOURCES
        .iter()
        .map(|(file, text)| Recipe::from_checked_toml(text).map_err(|e| (*file, e)))
        .collect()
}

/// The README's list of schemes, made from the catalog: a table for each group, in catalog
/// order, each scheme with its name and description.
pub fn readme_table(recipes: &[Recipe]) -> String {
    let mut out = String::new();
    let mut group = None;
    for r in recipes {
        if group != Some(r.group) {
            group = Some(r.group);
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!(
                "**{}**\n\n| id | scheme | what it signs |\n|---|---|---|\n",
                r.group.label()
            ));
        }
        let cell = |t: &str| t.replace('|', "\\|");
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            r.id,
            cell(&r.name),
            cell(&r.description)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_builtin_loads_and_ids_match_files() {
        // Every check, as a user's recipe gets them.
        for (file, text) in super::SOURCES {
            if let Err(e) = super::Recipe::from_toml(text) {
                panic!("{file}: {e}");
            }
        }
        let all = super::all().unwrap_or_else(|(f, e)| panic!("{f}: {e}"));
        for ((file, _), r) in super::SOURCES.iter().zip(&all) {
            assert_eq!(format!("{}.toml", r.id), *file);
        }
        assert!(all.iter().any(|r| r.id == super::DEFAULT_SCHEME));
    }
}
