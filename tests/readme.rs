//! The README's worked recipe example works as the README says: its recipe loads, and the binary
//! prints the output the README shows (computed there with Python's hmac).

use std::process::Command;

/// The first fenced block after `marker` in the README.
fn block_after(readme: &str, marker: &str) -> String {
    let rest = &readme[readme.find(marker).expect("marker in README") + marker.len()..];
    let start = rest.find("```").unwrap();
    let body = &rest[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_string()
}

#[test]
fn the_worked_recipe_example_prints_what_the_readme_shows() {
    let readme = include_str!("../README.md");
    let recipe = block_after(readme, "<!-- recipe-example -->");
    let output = block_after(readme, "<!-- recipe-example-output -->");
    let dir = std::env::temp_dir().join(format!("sigscope-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("acme.toml");
    std::fs::write(&path, recipe).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args([
            "sign",
            "--recipe",
            path.to_str().unwrap(),
            "--example",
            "--format",
            "headers",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), output);
    let o = Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args([
            "sign",
            "--recipe",
            path.to_str().unwrap(),
            "--example",
            "--variant",
            "encoding=base64",
        ])
        .output()
        .unwrap();
    let readme_base64 = "qo7+N7dR5xFXxQjFrErLHp/lIl25g1XfwA9LaAr7xEc=";
    assert!(readme.contains(&format!("`v1={readme_base64}`")));
    assert_eq!(String::from_utf8(o.stdout).unwrap().trim(), readme_base64);
}

#[test]
fn the_code_export_example_is_what_the_binary_writes() {
    let readme = include_str!("../README.md");
    let command = block_after(readme, "<!-- code-example -->");
    let first = command.lines().next().expect("a command");
    let args: Vec<&str> = first
        .split_whitespace()
        .skip(1)
        .take_while(|w| *w != ">")
        .collect();
    assert_eq!(
        args,
        [
            "sign",
            "-p",
            "tpns",
            "--example",
            "--format",
            "code",
            "--lang",
            "python"
        ]
    );
    let o = Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args(&args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        block_after(readme, "<!-- code-example-output -->"),
        "regenerate the README's snippet"
    );
}
