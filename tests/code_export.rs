//! Code export, proven by running it: for every built-in scheme, its documented example and up to
//! two other variant choices, the snippet in each language is run by the real interpreter or
//! compiler, and what it prints must be the trace, byte for byte: every stage (text as is, raw
//! bytes as hex, secrets named only), a blank line, the header lines, the signature alone.
//!
//! A language whose toolchain is missing is skipped with a note, except under CI (`CI` set),
//! where that is a failure: `.ci/run` installs them all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sigscope::code::{self, CodeError, Lang};
use sigscope::sign::recipe::FieldKind;
use sigscope::sign::{self, Inputs, Recipe, Selection, Trace, builtin};

/// One snippet to run: a scheme's example under a selection, or with harder inputs.
struct Case {
    label: String,
    recipe: Recipe,
    trace: Trace,
    key: Vec<u8>,
    body: Vec<u8>,
    headers: Vec<u8>,
    /// Secret fields, as the environment variables the snippet reads.
    env: Vec<(String, String)>,
}

/// A body that tests a JSON canonical form: keys out of order, a repeated key, escapes,
/// non-ASCII (outside the BMP too), nulls, empty strings, numbers as written.
const HARD_JSON: &str = r#"{"z":[1,2.50,-0.0,1E+2,{"y":null,"b":""}],"a":"first","café":"\"q\" \\ \n\t\u001f/ 日本 \ud83d\ude00 \u00e9\u007f","a":"dup","n":null,"e":"","big":12345678901234567890123,"t":true}"#;

/// A body that tests parameter forms: names out of order, repeats, encoded bytes, `+`, empty and
/// bare names, a broken escape.
const HARD_FORM: &str = "z=3&a=%2Fb+c&a=1&m=caf%C3%A9&empty=&flag&x=%zz&A=~*";

/// A body that tests reading a flat XML document (WeChat Pay v2): a declaration, comments and a
/// processing instruction, CRLF line ends (inside CDATA too), CDATA, entities and character
/// references, an empty element and an empty CDATA, attributes, `&` and `=` inside a value,
/// non-ASCII (outside the BMP too), a name that sorts before the lower-case ones.
const HARD_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<!-- a comment -->\r\n<xml>\r\n<nonce_str><![CDATA[5K8264ILTKCH16CQ]]></nonce_str>\r\n<attach><![CDATA[]]></attach>\r\n<notify_url><![CDATA[https://example.com/n?a=1&b=2]]></notify_url>\r\n<body>caf&#xe9; &amp; &lt;tea&gt; &quot;&apos; 日本 \u{1F600}</body>\r\n<Zed>upper case sorts first</Zed>\r\n<cr>a&#13;b</cr>\r\n<detail><![CDATA[line 1\r\nline 2]]></detail>\r\n<empty/>\r\n<total_fee unit=\"fen\">1</total_fee>\r\n<?pi data?>\r\n<sign>0123</sign>\r\n</xml>\r\n";

/// A URL that tests URL parts and path normalization: dot segments, doubled slashes, a port, a
/// query out of order, a fragment.
const HARD_URL: &str = "https://api.example.com:8443/a/./b/../c//d%20e?z=1&a=%20x&a=0&b=#frag";

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for recipe in builtin::all().expect("built-ins load") {
        let ex = recipe.example.clone();
        let base: BTreeMap<String, String> = ex.variants.clone();
        let mut selections: Vec<BTreeMap<String, String>> = vec![base.clone()];
        let mut others = Vec::new();
        for v in &recipe.variants {
            let current = base
                .get(&v.name)
                .cloned()
                .unwrap_or_else(|| v.default_choice().to_string());
            for c in v.choices.iter().filter(|c| **c != current) {
                let mut s = base.clone();
                s.insert(v.name.clone(), c.clone());
                others.push(s);
            }
        }
        let example = Inputs_::of(&recipe);
        for s in others {
            if selections.len() == 3 {
                break;
            }
            if example.case(&recipe, &s, "").is_some() {
                selections.push(s);
            }
        }
        for s in &selections {
            let case = example
                .case(&recipe, s, "")
                .unwrap_or_else(|| panic!("{}: the documented example signs", recipe.id));
            out.push(case);
        }
        // The example's choices with harder inputs, where the scheme takes them.
        let mut hard = Vec::new();
        for body in [HARD_JSON, HARD_FORM, HARD_XML] {
            hard.push((
                format!("body {}", &body[..12]),
                Inputs_ {
                    body: body.as_bytes().to_vec(),
                    ..example.clone()
                },
            ));
        }
        hard.push((
            "binary body".to_string(),
            Inputs_ {
                body: (0..=255u8).rev().chain(*b"\r\n\r\n").collect(),
                ..example.clone()
            },
        ));
        if recipe.field("url").is_some() {
            let mut fields = example.fields.clone();
            fields.insert("url".to_string(), HARD_URL.to_string());
            hard.push((
                "hard url".to_string(),
                Inputs_ {
                    fields,
                    ..example.clone()
                },
            ));
        }
        for (what, inputs) in hard {
            if let Some(case) = inputs.case(&recipe, &base, &what)
                && (case.trace.stages != out.last().expect("the example").trace.stages
                    || what == "hard url")
            {
                out.push(case);
            }
        }
    }
    out
}

/// The inputs of a case.
#[derive(Clone)]
struct Inputs_ {
    fields: BTreeMap<String, String>,
    key: Vec<u8>,
    body: Vec<u8>,
    headers: Vec<u8>,
}

impl Inputs_ {
    fn of(recipe: &Recipe) -> Inputs_ {
        let ex = &recipe.example;
        Inputs_ {
            fields: ex.fields.clone(),
            key: ex.key.as_bytes().to_vec(),
            body: ex.body.as_bytes().to_vec(),
            headers: ex.headers.as_bytes().to_vec(),
        }
    }

    /// The case of these inputs under a selection, when the scheme signs them.
    fn case(
        &self,
        recipe: &Recipe,
        choices: &BTreeMap<String, String>,
        what: &str,
    ) -> Option<Case> {
        let sel = recipe
            .select(choices.iter().map(|(k, c)| (k.as_str(), c.as_str())))
            .ok()?;
        let mut trace = run(recipe, &sel, self)?;
        // A public-key scheme: sigscope signs with the example's private key, and the snippet
        // verifies that signature (SIGSCOPE_SIGNATURE) with the key's public half, as sigscope
        // does; ECDSA and PSS signatures differ between libraries, a verification does not.
        let mut received = None;
        if recipe.public_key_under(&sel) {
            let signature = trace.signature_text();
            trace = run_received(recipe, &sel, self, Some(&signature))?;
            received = Some(signature);
        }
        let mut label: Vec<String> = choices.iter().map(|(k, c)| format!("{k}={c}")).collect();
        if !what.is_empty() {
            label.push(what.to_string());
        }
        let env = recipe
            .fields
            .iter()
            .filter(|f| f.kind == FieldKind::Secret)
            .map(|f| {
                (
                    format!("SIGSCOPE_{}", f.name.to_ascii_uppercase()),
                    trace.fields.get(&f.name).cloned().unwrap_or_default(),
                )
            })
            .chain(received.map(|r| ("SIGSCOPE_SIGNATURE".to_string(), r)))
            .collect();
        Some(Case {
            label: format!("{} [{}]", recipe.id, label.join(" ")),
            recipe: recipe.clone(),
            trace,
            key: self.key.clone(),
            body: self.body.clone(),
            headers: self.headers.clone(),
            env,
        })
    }
}

fn run(recipe: &Recipe, sel: &Selection, inputs: &Inputs_) -> Option<Trace> {
    run_received(recipe, sel, inputs, None)
}

fn run_received(
    recipe: &Recipe,
    sel: &Selection,
    inputs: &Inputs_,
    received: Option<&str>,
) -> Option<Trace> {
    let inputs = Inputs {
        fields: &inputs.fields,
        key: &inputs.key,
        body: &inputs.body,
        headers: &inputs.headers,
        selection: sel,
        received,
    };
    sign::run(recipe, &inputs).ok()
}

/// What a snippet must print, written from the trace here (not by the code under test).
fn expected(case: &Case) -> Vec<u8> {
    let mut out = Vec::new();
    for stage in &case.trace.stages {
        out.extend_from_slice(stage.name.as_bytes());
        if !stage.secret.is_empty() {
            out.extend_from_slice(b": (secret, not shown)");
        } else if stage.raw {
            out.extend_from_slice(format!(" (hex): {}", hex::encode(&stage.bytes)).as_bytes());
        } else {
            out.extend_from_slice(b": ");
            out.extend_from_slice(&stage.bytes);
        }
        out.push(b'\n');
    }
    out.push(b'\n');
    for (name, value) in &case.trace.placement.headers {
        out.extend_from_slice(format!("{name}: {value}\n").as_bytes());
    }
    out.extend_from_slice(case.trace.signature());
    out.push(b'\n');
    out
}

fn snippet(case: &Case, lang: Lang) -> Result<String, CodeError> {
    let request = code::Request {
        recipe: &case.recipe,
        trace: &case.trace,
        headers: &case.headers,
        command: &code::command(&case.recipe, &case.trace.selection, lang),
    };
    code::generate(&request, lang)
}

fn has(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether the tools are here; without them, a skip note (or a failure under CI).
fn toolchain(lang: Lang, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !has(t)).collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{}: {} not found; CI must install it (.ci/run)",
        lang.label(),
        missing.join(", ")
    );
    eprintln!(
        "skipped: the {} snippets ({} not found)",
        lang.label(),
        missing.join(", ")
    );
    false
}

/// A fresh folder for a language's snippets.
fn workdir(lang: Lang) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("code-{}", lang.name()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("make the work folder");
    dir
}

/// Runs a program with the case's key and secrets, the body file as its argument.
fn run_snippet(case: &Case, program: &str, args: &[&str], dir: &Path) -> Result<Vec<u8>, String> {
    let body = dir.join("body.bin");
    std::fs::write(&body, &case.body).expect("write the body");
    let mut cmd = Command::new(program);
    cmd.args(args).arg(&body).current_dir(dir);
    cmd.env(
        code::KEY_ENV,
        std::ffi::OsStr::new(std::str::from_utf8(&case.key).expect("text key")),
    );
    for (k, v) in &case.env {
        cmd.env(k, v);
    }
    let out = cmd.output().map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "exit {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out.stdout)
}

/// Generates, runs and compares every case in a language; `prepare` writes a case's snippet into
/// its folder and returns the command to run it (after `build`, which may compile them all).
fn check_language(
    lang: Lang,
    prepare: impl Fn(usize, &str, &Path) -> (String, Vec<String>),
    build: impl Fn(&Path) -> Result<(), String>,
) {
    let root = workdir(lang);
    let cases = cases();
    let mut runs = Vec::new();
    let mut refused = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        match snippet(case, lang) {
            Ok(text) => {
                assert_no_secret(case, &text);
                let dir = root.join(format!("c{i}"));
                std::fs::create_dir_all(&dir).expect("case folder");
                let (program, args) = prepare(i, &text, &dir);
                runs.push((case, dir, program, args));
            }
            Err(e @ CodeError::Unsupported { .. }) => {
                let line = e.to_string();
                assert!(!line.contains('\n'), "one line: {line}");
                refused.push(format!("{}: {line}", case.label));
            }
            Err(e) => panic!("{}: {e}", case.label),
        }
    }
    if let Err(e) = build(&root) {
        panic!("{}: building the snippets failed:\n{e}", lang.label());
    }
    let mut failures = Vec::new();
    for (case, dir, program, args) in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        match run_snippet(case, program, &args, dir) {
            Ok(got) => {
                let want = expected(case);
                if got != want {
                    failures.push(format!(
                        "{}: printed\n{}\nwanted\n{}",
                        case.label,
                        String::from_utf8_lossy(&got),
                        String::from_utf8_lossy(&want)
                    ));
                }
            }
            // bash holds no JSON parser: a JSON object of parameters is refused when it runs.
            Err(e) if lang == Lang::Bash && e.contains("needs another language than bash") => {
                refused.push(format!("{} (when run): {}", case.label, e.trim()));
            }
            Err(e) => failures.push(format!("{} ({}): {e}", case.label, dir.display())),
        }
    }
    eprintln!(
        "{}: {} snippets ran and agreed with the trace; {} refused in one line",
        lang.label(),
        runs.len() - failures.len() - refused.iter().filter(|r| r.contains("(when run)")).count(),
        refused.len()
    );
    for r in &refused {
        eprintln!("  refused: {r}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} {} snippets disagree:\n{}",
        failures.len(),
        runs.len(),
        lang.label(),
        failures.join("\n\n")
    );
    // Node.js has no XML parser in its standard library: its helpers declare `xml_params`
    // unsupported, and that is one refusal allowed beside bash's. Public-key snippets are written
    // for Python, JavaScript, Go and Java; PHP, Ruby and bash say so (and Paddle Classic's
    // php_serialize, which only an RSA scheme uses, is written for Python alone).
    let allowed = |r: &String| {
        (lang == Lang::JavaScript && r.contains("`xml_params`"))
            || ((!matches!(
                lang,
                Lang::Python | Lang::JavaScript | Lang::Go | Lang::Java
            ) || r.contains("`php_serialize`"))
                && r.contains("public-key snippets are written for"))
    };
    if lang != Lang::Bash {
        assert!(
            refused.iter().all(allowed),
            "{} refused: {refused:?}",
            lang.label()
        );
    }
    assert!(
        runs.len() >= cases.len() / 2,
        "most schemes run in {}",
        lang.label()
    );
}

/// The key, secret fields and stages made from them never appear in a snippet.
fn assert_no_secret(case: &Case, text: &str) {
    let mut secrets: Vec<Vec<u8>> = vec![case.key.clone()];
    secrets.extend(case.env.iter().map(|(_, v)| v.as_bytes().to_vec()));
    for stage in case.trace.stages.iter().filter(|s| !s.secret.is_empty()) {
        secrets.extend(stage.secret.iter().map(|r| stage.bytes[r.clone()].to_vec()));
        secrets.push(hex::encode(&stage.bytes).into_bytes());
    }
    for secret in secrets.iter().filter(|s| s.len() >= 6) {
        let shown = String::from_utf8_lossy(secret);
        assert!(
            !text.contains(shown.as_ref()) && !text.contains(&hex::encode(secret)),
            "{}: a secret appears in the snippet",
            case.label
        );
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    std::fs::write(dir.join(name), text).expect("write the snippet");
    name.to_string()
}

#[test]
fn python_snippets_reproduce_the_trace() {
    if !toolchain(Lang::Python, &["python3"]) {
        return;
    }
    // The public-key schemes' snippets import the cryptography package.
    let crypto = Command::new("python3")
        .args(["-c", "import cryptography"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !crypto {
        assert!(
            std::env::var_os("CI").is_none(),
            "Python: the cryptography package is not installed; CI must install it (.ci/run)"
        );
        eprintln!(
            "skipped: the Python snippets (the cryptography package is not installed: pip install cryptography)"
        );
        return;
    }
    check_language(
        Lang::Python,
        |_, text, dir| ("python3".into(), vec![write(dir, "sign.py", text)]),
        |_| Ok(()),
    );
}

#[test]
fn javascript_snippets_reproduce_the_trace() {
    if !toolchain(Lang::JavaScript, &["node"]) {
        return;
    }
    check_language(
        Lang::JavaScript,
        |_, text, dir| ("node".into(), vec![write(dir, "sign.js", text)]),
        |_| Ok(()),
    );
}

#[test]
fn go_snippets_reproduce_the_trace() {
    if !toolchain(Lang::Go, &["go"]) {
        return;
    }
    // One module, a main package per case, built by one `go build`.
    check_language(
        Lang::Go,
        |i, text, dir| {
            write(dir, "main.go", text);
            let bin = dir
                .parent()
                .expect("root")
                .join("bin")
                .join(format!("c{i}"));
            (bin.display().to_string(), Vec::new())
        },
        |root| {
            std::fs::write(root.join("go.mod"), "module snippets\n\ngo 1.19\n")
                .map_err(|e| e.to_string())?;
            let out = Command::new("go")
                .args(["build", "-o", "bin/", "./..."])
                .current_dir(root)
                .env("GOFLAGS", "-mod=mod")
                .output()
                .map_err(|e| e.to_string())?;
            if out.status.success() {
                Ok(())
            } else {
                Err(String::from_utf8_lossy(&out.stderr).into_owned())
            }
        },
    );
}

#[test]
fn java_snippets_reproduce_the_trace() {
    if !toolchain(Lang::Java, &["javac", "java"]) {
        return;
    }
    // Each snippet's class renamed `Sign{i}`, all compiled by one `javac`.
    check_language(
        Lang::Java,
        |i, text, dir| {
            let root = dir.parent().expect("root");
            let class = format!("Sign{i}");
            let text = text.replace("public class Sign {", &format!("public class {class} {{"));
            write(root, &format!("{class}.java"), &text);
            let classes = root.join("classes").display().to_string();
            ("java".into(), vec!["-cp".into(), classes, class])
        },
        |root| {
            let mut files: Vec<String> = std::fs::read_dir(root)
                .map_err(|e| e.to_string())?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".java"))
                .collect();
            files.sort();
            let out = Command::new("javac")
                .args(["-d", "classes", "-Xlint:none"])
                .args(&files)
                .current_dir(root)
                .output()
                .map_err(|e| e.to_string())?;
            if out.status.success() {
                Ok(())
            } else {
                Err(String::from_utf8_lossy(&out.stderr).into_owned())
            }
        },
    );
}

#[test]
fn php_snippets_reproduce_the_trace() {
    if !toolchain(Lang::Php, &["php"]) {
        return;
    }
    check_language(
        Lang::Php,
        |_, text, dir| ("php".into(), vec![write(dir, "sign.php", text)]),
        |_| Ok(()),
    );
}

#[test]
fn ruby_snippets_reproduce_the_trace() {
    if !toolchain(Lang::Ruby, &["ruby"]) {
        return;
    }
    check_language(
        Lang::Ruby,
        |_, text, dir| ("ruby".into(), vec![write(dir, "sign.rb", text)]),
        |_| Ok(()),
    );
}

#[test]
fn bash_snippets_reproduce_the_trace() {
    if !toolchain(Lang::Bash, &["bash", "openssl", "od", "base64"]) {
        return;
    }
    check_language(
        Lang::Bash,
        |_, text, dir| ("bash".into(), vec![write(dir, "sign.sh", text)]),
        |_| Ok(()),
    );
}
