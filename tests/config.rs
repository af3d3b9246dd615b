//! The config file and its profiles, run as a user runs them: the real binary with `--config`
//! pointing at fixtures written here. Errors are checked word for word (file, line, what).

use std::path::PathBuf;
use std::process::{Command, Output};

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("config-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn config(name: &str, text: &str) -> PathBuf {
    let path = dir(name).join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args(args)
        .env_remove("ACME_KEY")
        .output()
        .unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The TPNS seed vector TP-1 (`tests/vectors.json`).
const TP1_KEY: &str = "1452fcebae9f3115ba794fb0fff2fd73";

#[test]
fn a_profile_gives_scheme_fields_variants_and_a_key_command() {
    let path = config(
        "good",
        &format!(
            "[profiles.acme]\nscheme = \"tpns\"\nfields = {{ access_id = \"1500001048\", timestamp = \"1565314789\" }}\nvariants = {{ output = \"base64-of-hex\" }}\nkey_command = \"printf '{TP1_KEY}\\\\n'\"\n"
        ),
    );
    let cfg = path.to_str().unwrap();
    // The same signature as the documented example's, from the profile alone.
    let example = run(&["sign", "-p", "tpns", "--example"]);
    let body =
        String::from_utf8(run(&["sign", "-p", "tpns", "--example", "--format", "json"]).stdout)
            .unwrap();
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    let body = body["stages"][0]["text"].as_str().unwrap()[20..].to_string();
    let o = run(&["sign", "-P", "acme", "--config", cfg, "--body", &body]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(out(&o), out(&example));
    assert_eq!(
        err(&o),
        format!(
            "sigscope: note: profile `acme`: the trailing newline of key_command `printf '{TP1_KEY}\\n'`'s output was dropped, as $(…) drops it\n"
        )
    );
    // Explicit flags win over the profile's values.
    let o = run(&[
        "sign", "-P", "acme", "--config", cfg, "--body", &body, "--key", "other",
    ]);
    assert_ne!(out(&o), out(&example));
    // The listing names the key source and never runs it.
    let o = run(&["profiles", "--config", cfg]);
    assert!(o.status.success());
    assert!(out(&o).contains("acme           tpns, access_id=1500001048, timestamp=1565314789, variant output=base64-of-hex, key from command"), "{}", out(&o));
    assert!(!out(&o).contains("1452fceb") || out(&o).contains("printf"));
}

#[test]
fn bad_configs_get_one_line_naming_file_line_and_what() {
    let cases = [
        (
            "unknown",
            "[profiles.a]\nsheme = \"tpns\"\n",
            ":2: unknown field `sheme`",
        ),
        (
            "literal",
            "[profiles.a]\nscheme = \"tpns\"\nkey = \"s3cret\"\n",
            ":3: profile `a` holds the key itself; use key_env, key_file or key_command (or set allow_plaintext_key = true)",
        ),
        (
            "two-sources",
            "[profiles.a]\nkey_env = \"A\"\nkey_file = \"k\"\n",
            ":1: profile `a` has more than one key source (key_env, key_file, key_command, key); keep one",
        ),
        (
            "scheme-and-recipe",
            "\n[profiles.a]\nscheme = \"tpns\"\nrecipe = \"x.toml\"\n",
            ":2: profile `a` names both a scheme and a recipe; keep one",
        ),
        ("syntax", "history = \n", ":1: "),
    ];
    for (name, text, want) in cases {
        let path = config(name, text);
        let o = run(&["profiles", "--config", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let e = err(&o);
        let prefix = format!("sigscope: error: config {}{want}", path.display());
        assert!(e.starts_with(&prefix), "{name}: {e}\nwant {prefix}");
        assert_eq!(e.lines().count(), 1, "{name}: {e}");
        assert!(!e.contains("s3cret"), "the literal key is echoed");
    }
    let o = run(&["profiles", "--config", "/nonexistent/sigscope.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).starts_with("sigscope: error: config /nonexistent/sigscope.toml: "));
}

#[test]
fn key_sources_that_fail_print_nothing_or_hang_get_a_clear_line() {
    let path = config(
        "sources",
        "[profiles.fails]\nscheme = \"tpns\"\nkey_command = \"echo 'vault locked' >&2; exit 3\"\n\n\
         [profiles.silent]\nscheme = \"tpns\"\nkey_command = \"true\"\n\n\
         [profiles.hangs]\nscheme = \"tpns\"\nkey_command = \"sleep 30\"\nkey_timeout = 1\n\n\
         [profiles.env]\nscheme = \"tpns\"\nkey_env = \"ACME_KEY\"\n\n\
         [profiles.file]\nscheme = \"tpns\"\nkey_file = \"/nonexistent/key\"\n",
    );
    let cfg = path.to_str().unwrap();
    let sign = |profile: &str| run(&["sign", "-P", profile, "--config", cfg, "--example"]);
    let o = sign("fails");
    assert_eq!(
        err(&o),
        "sigscope: error: profile `fails`: key_command `echo 'vault locked' >&2; exit 3` failed (exit status: 3): vault locked\n"
    );
    assert_eq!(
        err(&sign("silent")),
        "sigscope: error: profile `silent`: key_command `true` printed nothing\n"
    );
    let started = std::time::Instant::now();
    let o = sign("hangs");
    assert!(started.elapsed().as_secs() < 10, "the timeout holds");
    assert_eq!(
        err(&o),
        "sigscope: error: profile `hangs`: key_command `sleep 30` did not finish within 1 s (is it waiting for a password?)\n"
    );
    assert_eq!(
        err(&sign("env")),
        "sigscope: error: profile `env`: key_env ACME_KEY: the environment variable is not set\n"
    );
    assert!(
        err(&sign("file"))
            .starts_with("sigscope: error: profile `file`: key_file /nonexistent/key: ")
    );
    let allowed = config(
        "allowed",
        "allow_plaintext_key = true\n[profiles.plain]\nscheme = \"tpns\"\nkey = \"plain-key\"\n",
    );
    let o = run(&[
        "sign",
        "-P",
        "plain",
        "--config",
        allowed.to_str().unwrap(),
        "--example",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(
        err(&o).matches("warning").count(),
        1,
        "warned once: {}",
        err(&o)
    );
    assert!(!err(&o).contains("plain-key"));
}

#[test]
fn recipes_beside_the_config_are_schemes() {
    let d = dir("recipes");
    std::fs::create_dir_all(d.join("recipes")).unwrap();
    let readme = include_str!("../README.md");
    let marker = "<!-- recipe-example -->";
    let rest = &readme[readme.find(marker).unwrap() + marker.len()..];
    let rest = &rest[rest.find("```").unwrap()..];
    let rest = &rest[rest.find('\n').unwrap() + 1..];
    std::fs::write(
        d.join("recipes/acme.toml"),
        &rest[..rest.find("```").unwrap()],
    )
    .unwrap();
    std::fs::write(d.join("recipes/broken.toml"), "id = \n").unwrap();
    std::fs::write(d.join("config.toml"), "").unwrap();
    let cfg = d.join("config.toml");
    let o = run(&[
        "sign",
        "--config",
        cfg.to_str().unwrap(),
        "-p",
        "acme-webhooks",
        "--example",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("recipes/broken.toml"), "{}", err(&o));
    assert!(err(&o).contains("(skipped)"));
}

#[test]
fn a_config_that_is_a_device_a_fifo_or_too_large_is_refused_at_once() {
    let d = dir("bounded");
    let fifo = d.join("config.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    let big = d.join("big.toml");
    std::fs::write(&big, "#".repeat((1 << 20) + 1)).unwrap();
    let mut cases = vec![
        ("/dev/zero".to_string(), "not a regular file"),
        (big.display().to_string(), "more than 1024 KiB"),
    ];
    if made.is_ok_and(|s| s.success()) {
        // With no writer, opening a FIFO would wait for ever: it must not be opened.
        cases.push((fifo.display().to_string(), "not a regular file"));
    } else {
        eprintln!("skipped the FIFO case: mkfifo is not available here");
    }
    for (path, what) in cases {
        let started = std::time::Instant::now();
        let o = run(&["sign", "-p", "github", "--example", "--config", &path]);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{path}"
        );
        assert_eq!(o.status.code(), Some(2), "{path}");
        let e = err(&o);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.contains(&format!("config {path}: {what}")), "{e}");
    }
}

#[test]
fn a_config_error_never_prints_the_value_back() {
    let path = config(
        "no-echo",
        "[profiles.a]\nscheme = \"tpns\"\nkey_env = 987654321012\n",
    );
    let o = run(&[
        "sign",
        "-P",
        "a",
        "--config",
        path.to_str().unwrap(),
        "--example",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(!e.contains("987654321012"), "{e}");
    assert!(
        e.contains(":3: invalid type: integer, expected a string"),
        "{e}"
    );
}

#[test]
fn config_profile_and_scheme_work_before_the_command_too() {
    let path = config(
        "global",
        &format!(
            "[profiles.acme]\nscheme = \"tpns\"\nfields = {{ access_id = \"1500001048\", timestamp = \"1565314789\" }}\nkey_command = \"printf '{TP1_KEY}'\"\n"
        ),
    );
    let cfg = path.to_str().unwrap();
    let after = run(&["sign", "-P", "acme", "--config", cfg, "--body", "{}"]);
    assert!(after.status.success(), "{}", err(&after));
    for before in [
        vec!["--config", cfg, "sign", "-P", "acme"],
        vec!["--config", cfg, "--profile", "acme", "sign"],
        vec!["-P", "acme", "sign", "--config", cfg],
    ] {
        let mut args = before.clone();
        args.extend(["--body", "{}"]);
        let o = run(&args);
        assert!(o.status.success(), "{before:?}: {}", err(&o));
        assert_eq!(out(&o), out(&after), "{before:?}");
    }
    // -p before verify: the scheme's example verifies as after it.
    let o = run(&["-p", "github", "verify", "--example", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!((out(&o), err(&o)), (String::new(), String::new()));
    let o = run(&["-p", "githb", "verify", "--example"]);
    assert_eq!(
        err(&o),
        "sigscope: error: unknown scheme `githb`; did you mean github? (`sigscope providers` lists them)\n"
    );
}

#[test]
fn history_takes_a_count_or_a_table_of_limits() {
    let dir = dir("history");
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        "[history]\nkeep = 7\nkeep_bodies = false\nmax_body_bytes = 10\nmax_total_bytes = 1000\n",
    )
    .unwrap();
    let c = sigscope::config::Config::load(Some(&path)).unwrap();
    assert_eq!(c.history, 7);
    assert_eq!(
        c.history_limits,
        sigscope::history::Limits {
            keep_bodies: false,
            max_body_bytes: 10,
            max_total_bytes: 1000
        }
    );
    std::fs::write(&path, "history = 3\n").unwrap();
    let c = sigscope::config::Config::load(Some(&path)).unwrap();
    assert_eq!(
        (c.history, c.history_limits),
        (3, sigscope::history::Limits::default())
    );
    assert_eq!(sigscope::history::Limits::default().max_body_bytes, 1 << 20);
}
