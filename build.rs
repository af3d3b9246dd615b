//! Embeds every recipe of `assets/providers/` (adding a scheme is adding its file): writes the
//! list of (file name, TOML text) that `sign::builtin` includes, in catalog order (the group a
//! recipe names, then its file name).

use std::path::Path;

const GROUPS: [&str; 5] = ["seed", "webhook", "cloud", "exchange", "standard"];

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/providers");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut recipes: Vec<(usize, String)> = std::fs::read_dir(&dir)
        .expect("assets/providers is readable")
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".toml"))
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).expect("a recipe is readable");
            println!("cargo:rerun-if-changed={}", dir.join(&name).display());
            let group = text
                .lines()
                .find_map(|l| l.strip_prefix("group = \""))
                .and_then(|g| g.strip_suffix('"'))
                .and_then(|g| GROUPS.iter().position(|x| *x == g))
                .unwrap_or(GROUPS.len());
            (group, name)
        })
        .collect();
    recipes.sort();
    let mut out = String::from("&[\n");
    for (_, name) in &recipes {
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            dir.join(name).display().to_string()
        ));
    }
    out.push_str("]\n");
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
