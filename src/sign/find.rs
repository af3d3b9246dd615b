//! Finding a scheme by what a user types: the picker's and `providers`' ranking (id before name
//! before description words) and the nearest ids to one that does not exist.

use super::recipe::Recipe;

/// How well a recipe answers one word of a query: lower is better; None when it does not.
fn tier(recipe: &Recipe, word: &str) -> Option<u8> {
    let id = recipe.id.to_lowercase();
    let name = recipe.name.to_lowercase();
    let words_start = |hay: &str| {
        hay.split(|c: char| !c.is_alphanumeric())
            .any(|w| w.starts_with(word))
    };
    if id == word {
        Some(0)
    } else if id.starts_with(word) {
        Some(1)
    } else if words_start(&id) || words_start(&name) {
        Some(2)
    } else if id.contains(word) || name.contains(word) {
        Some(3)
    } else if recipe.description.to_lowercase().contains(word)
        || recipe.group.label().contains(word)
    {
        Some(4)
    } else {
        None
    }
}

/// The indexes of the recipes that answer every word of `query`, best first: an id equal to
/// the query, then ids that start with it, then names with a word that starts with it, then
/// anything that contains it, then description words; ties keep the catalog's order. An empty
/// query lists every recipe in catalog order.
pub fn rank(recipes: &[Recipe], query: &str) -> Vec<usize> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut hits: Vec<(u8, usize)> = recipes
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let tiers: Option<Vec<u8>> = words.iter().map(|w| tier(r, w)).collect();
            Some((tiers?.into_iter().min().unwrap_or(0), i))
        })
        .collect();
    hits.sort();
    hits.into_iter().map(|(_, i)| i).collect()
}

/// Up to three ids near `unknown`: those it is a prefix or part of, then those a few edits
/// away, nearest first.
pub fn nearest<'a>(ids: impl IntoIterator<Item = &'a str>, unknown: &str) -> Vec<&'a str> {
    let unknown = unknown.to_lowercase();
    let limit = (unknown.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = ids
        .into_iter()
        .filter_map(|id| {
            let d = if id.starts_with(&unknown) || id.contains(&unknown) {
                0
            } else {
                edits(id, &unknown)
            };
            (d <= limit).then_some((d, id))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, id)| id).collect()
}

/// The edit distance of two texts (insertions, deletions, substitutions and swaps of two
/// neighbours, each one edit), over characters.
fn edits(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtins() -> Vec<Recipe> {
        crate::sign::builtin::all().unwrap_or_else(|(f, e)| panic!("{f}: {e}"))
    }

    #[test]
    fn ids_come_before_names_and_descriptions() {
        let all = builtins();
        let ids = |q: &str| -> Vec<String> {
            rank(&all, q)
                .into_iter()
                .map(|i| all[i].id.clone())
                .collect()
        };
        assert_eq!(ids("gi")[0], "github");
        assert_eq!(ids("stripe")[0], "stripe");
        // "huawei" is in three ids: all of them, before schemes that only mention it.
        assert!(ids("huawei")[..3].iter().all(|id| id.starts_with("huawei")));
        assert_eq!(ids("tencent tc3"), ["tencent-tc3"]);
        assert!(ids("no such words").is_empty());
        assert_eq!(ids("").len(), all.len());
    }

    #[test]
    fn nearest_ids_to_a_typo() {
        let ids = ["github", "gitlab", "stripe", "standard-webhooks", "tpns"];
        assert_eq!(nearest(ids, "gihtub"), ["github"]);
        assert_eq!(nearest(ids, "strpe"), ["stripe"]);
        assert_eq!(nearest(ids, "standard"), ["standard-webhooks"]);
        assert!(nearest(ids, "zzzzzzzz").is_empty());
        assert_eq!(edits("kitten", "sitting"), 3);
    }
}
