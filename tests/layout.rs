//! The shape of the source tree: no two sibling modules import each other (directly or around a
//! longer cycle), and no file is over 900 lines without saying why at its top.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, with its module path (`sign::recipe::read`).
fn modules() -> Vec<(Vec<String>, PathBuf)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files
        .into_iter()
        .filter(|p| !p.ends_with("main.rs"))
        .map(|p| {
            let rel = p.strip_prefix(&root).expect("under src");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            (parts, p)
        })
        .collect()
}

/// The module paths a file names: `crate::a::b`, and `super::x` resolved from `module`.
fn references(module: &[String], is_mod_file: bool, text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let path_words = |start: usize| -> Vec<String> {
        code[start..]
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .next()
            .unwrap_or("")
            .split("::")
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        out.push(path_words(at + "crate::".len()));
    }
    for (at, _) in code.match_indices("super::") {
        if at > 0 && code.as_bytes()[at - 1] == b':' {
            continue;
        }
        let mut words = path_words(at);
        // `super` of a module file (`a/mod.rs`, module `a`) is `a`'s parent.
        let mut base: Vec<String> = module.to_vec();
        let _ = is_mod_file;
        while words.first().map(String::as_str) == Some("super") {
            words.remove(0);
            base.pop();
        }
        base.extend(words);
        out.push(base);
    }
    out
}

#[test]
fn no_import_cycles_among_sibling_modules() {
    let mods = modules();
    let known: BTreeSet<Vec<String>> = mods.iter().map(|(m, _)| m.clone()).collect();
    // Edges between siblings: (parent, from child, to child).
    let mut edges: BTreeMap<Vec<String>, BTreeSet<(String, String)>> = BTreeMap::new();
    for (module, path) in &mods {
        let text = std::fs::read_to_string(path).expect("a source file");
        let is_mod = path.ends_with("mod.rs");
        for target in references(module, is_mod, &text) {
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if common >= module.len() || common >= target.len() {
                continue; // a module's own items, its children's or its ancestors'
            }
            let to: Vec<String> = target[..=common].to_vec();
            if !known.contains(&to) {
                continue; // an item of the common parent, not a module
            }
            edges
                .entry(module[..common].to_vec())
                .or_default()
                .insert((module[common].clone(), target[common].clone()));
        }
    }
    let mut cycles = Vec::new();
    for (parent, set) in &edges {
        // Depth-first search for a cycle among the parent's children.
        let next = |n: &str| -> Vec<&str> {
            set.iter()
                .filter(|(a, _)| a == n)
                .map(|(_, b)| b.as_str())
                .collect()
        };
        let nodes: BTreeSet<&str> = set.iter().map(|(a, _)| a.as_str()).collect();
        for start in &nodes {
            let mut stack = vec![(*start, vec![*start])];
            let mut seen = BTreeSet::new();
            while let Some((n, trail)) = stack.pop() {
                for m in next(n) {
                    if m == *start {
                        let mut c = trail.clone();
                        c.push(m);
                        cycles.push(format!("{}: {}", parent.join("::"), c.join(" -> ")));
                    } else if seen.insert(m) {
                        let mut t = trail.clone();
                        t.push(m);
                        stack.push((m, t));
                    }
                }
            }
        }
    }
    cycles.sort();
    cycles.dedup();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn no_file_over_900_lines_without_a_reason_at_its_top() {
    let mut long = Vec::new();
    for (_, path) in modules() {
        let text = std::fs::read_to_string(&path).expect("a source file");
        let lines = text.lines().count();
        let top: String = text.lines().take(15).collect::<Vec<_>>().join("\n");
        if lines > 900 && !top.contains("over 900 lines:") {
            long.push(format!("{} ({lines} lines)", path.display()));
        }
    }
    assert!(
        long.is_empty(),
        "files over 900 lines with no `over 900 lines: …` reason at the top:\n{}",
        long.join("\n")
    );
}
