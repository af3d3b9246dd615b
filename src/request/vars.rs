//! `{{variables}}` of API clients' collections (Postman, Insomnia, Bruno): their values from an
//! environment file (Postman's, Insomnia's, Bruno's, or `KEY=VALUE` lines), put in place; and
//! each one left without a value named, since signing a literal `{{timestamp}}` is a classic
//! mistake.

use super::message::{ImportError, err};

/// Variable values, in the order they were given (a later one wins), and where they came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    pub values: Vec<(String, String)>,
    /// `--environment prod.json`, `the collection's variables`.
    pub source: String,
}

impl Vars {
    /// The value of a name (the last one given).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// These values, then `over`'s, which win.
    pub fn then(mut self, over: &Vars) -> Vars {
        self.values.extend(over.values.iter().cloned());
        self
    }
}

/// An environment given for a collection: values read from a file, or the name of an
/// environment the collection itself holds (Insomnia's sub-environments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    Values(Vars),
    Named(String),
}

/// Reads an environment file: a Postman environment, an Insomnia environment (a JSON object of
/// values, nested objects as `a.b`), a Bruno environment (`vars { … }`), or `KEY=VALUE` lines
/// (`#` comments, `export `, quotes taken off). `source` names it in messages.
pub fn read_environment(bytes: &[u8], source: &str) -> Result<Vars, ImportError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        err(line, "not UTF-8 text")
    })?;
    let trimmed = text.trim_start();
    let mut vars = Vars {
        values: Vec::new(),
        source: source.to_string(),
    };
    if trimmed.starts_with('{') {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| err(e.line(), format!("invalid JSON: {e}")))?;
        if let Some(values) = json.get("values").and_then(|v| v.as_array()) {
            // Postman: `{"name": …, "values": [{"key", "value", "enabled"}]}`.
            for v in values {
                let enabled = v.get("enabled").and_then(|e| e.as_bool()).unwrap_or(true);
                if let (true, Some(key)) = (enabled, v.get("key").and_then(|k| k.as_str())) {
                    vars.values
                        .push((key.to_string(), json_text(v.get("value"))));
                }
            }
        } else if json.get("resources").is_some() {
            return Err(err(
                0,
                "it is an Insomnia export: give it with --request, and name one of its environments with --environment NAME",
            ));
        } else if let Some(data) = json
            .get("data")
            .filter(|_| json.get("_type").and_then(|t| t.as_str()) == Some("environment"))
        {
            flatten("", data, &mut vars.values);
        } else {
            flatten("", &json, &mut vars.values);
        }
        return Ok(vars);
    }
    if let Some(bru) = bruno_vars(text) {
        vars.values = bru;
        return Ok(vars);
    }
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            return Err(err(
                n + 1,
                format!(
                    "expected KEY=VALUE, a Postman or Insomnia environment (JSON) or a Bruno environment (`vars {{ … }}`), found `{}`",
                    line.chars().take(40).collect::<String>()
                ),
            ));
        };
        let value = value.trim();
        let value = [('"', '"'), ('\'', '\'')]
            .iter()
            .find_map(|(a, b)| {
                (value.len() >= 2 && value.starts_with(*a) && value.ends_with(*b))
                    .then(|| &value[1..value.len() - 1])
            })
            .unwrap_or(value);
        vars.values
            .push((key.trim().to_string(), value.to_string()));
    }
    Ok(vars)
}

/// A JSON value as a variable holds it: a string's text, anything else as JSON.
pub(super) fn json_text(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// An object's values by dotted names (`{"a": {"b": 1}}` gives `a.b`), the object itself too
/// (Insomnia's `{{ _.a }}` of an object is its JSON).
pub(super) fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    if let serde_json::Value::Object(map) = v {
        for (k, v) in map {
            let name = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if v.is_object() {
                out.push((name.clone(), v.to_string()));
                flatten(&name, v, out);
            } else {
                out.push((name, json_text(Some(v))));
            }
        }
    }
}

/// A Bruno environment's values: its `vars { name: value }` block (`~name` is disabled); the
/// names of `vars:secret [ … ]` have no value in the file. None when it is not one.
fn bruno_vars(text: &str) -> Option<Vec<(String, String)>> {
    let blocks = super::bru::bru_blocks(text).ok()?;
    let vars = blocks.iter().find(|b| b.name == "vars")?;
    Some(
        vars.pairs()
            .into_iter()
            .filter(|(k, _)| !k.starts_with('~'))
            .collect(),
    )
}

/// Where a value sits in a request, for messages: `the URL`, `header X-Timestamp`, `the body`.
pub type Place = String;

/// The variable syntax of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `{{name}}`; `{{$guid}}` and its kind are Postman's dynamic variables.
    Postman,
    /// Nunjucks: `{{ _.name }}` (or `{{ name }}`), and `{% tag %}` template tags.
    Insomnia,
    /// `{{name}}`, `{{process.env.NAME}}`.
    Bruno,
}

/// Variables that had no value, each with the places it was in, in the order first met.
#[derive(Debug, Default)]
pub struct Unresolved {
    pub found: Vec<(String, Vec<Place>)>,
    /// Whether values that name variables grew past [`MAX_EXPANDED`] (and were cut there).
    pub too_large: bool,
}

/// The most text the variables of one value may expand to.
pub const MAX_EXPANDED: usize = 16 << 20;

impl Unresolved {
    fn add(&mut self, token: &str, place: &str) {
        match self.found.iter_mut().find(|(t, _)| t == token) {
            Some((_, places)) => {
                if !places.iter().any(|p| p == place) {
                    places.push(place.to_string());
                }
            }
            None => self
                .found
                .push((token.to_string(), vec![place.to_string()])),
        }
    }

    /// The error naming every variable left, or Ok when none is.
    pub fn check(&self, syntax: Syntax, environment_given: bool) -> Result<(), ImportError> {
        if self.too_large {
            return Err(err(
                0,
                format!(
                    "the variables expand to more than {} MiB (values that name each other over and over?)",
                    MAX_EXPANDED >> 20
                ),
            ));
        }
        if self.found.is_empty() {
            return Ok(());
        }
        let listed: Vec<String> = self
            .found
            .iter()
            .map(|(token, places)| {
                let why = if syntax == Syntax::Postman && token.starts_with("{{$") {
                    " (a Postman dynamic variable, made when Postman sends)"
                } else if token.starts_with("{%") {
                    " (an Insomnia template tag, run when Insomnia sends)"
                } else {
                    ""
                };
                format!("`{token}` in {}{why}", places.join(" and "))
            })
            .collect();
        let what = if self.found.len() == 1 {
            "a variable has no value"
        } else {
            "variables have no value"
        };
        let hint = if environment_given {
            "add them to the environment file"
        } else {
            "give their values with --environment FILE"
        };
        Err(err(
            0,
            format!(
                "{what}: {}: {hint} (the values they had when the request was sent; signing the literal text would not give the signature sent)",
                listed.join(", ")
            ),
        ))
    }
}

/// `text` with its variables replaced by their values (values that hold variables are resolved
/// in turn, ten deep at most); each one without a value is kept as written and added to
/// `unresolved` with `place`.
pub fn substitute(
    text: &str,
    vars: &Vars,
    syntax: Syntax,
    place: &str,
    unresolved: &mut Unresolved,
) -> String {
    resolve(text, vars, syntax, place, unresolved, 0)
}

fn resolve(
    text: &str,
    vars: &Vars,
    syntax: Syntax,
    place: &str,
    unresolved: &mut Unresolved,
    depth: usize,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        if out.len() > MAX_EXPANDED {
            unresolved.too_large = true;
            return out;
        }
        let var = rest.find("{{");
        let tag = (syntax == Syntax::Insomnia)
            .then(|| rest.find("{%"))
            .flatten();
        let (start, is_tag) = match (var, tag) {
            (Some(v), Some(t)) if t < v => (t, true),
            (Some(v), _) => (v, false),
            (None, Some(t)) => (t, true),
            (None, None) => break,
        };
        let close = if is_tag { "%}" } else { "}}" };
        let Some(end) = rest[start + 2..].find(close).map(|e| start + 2 + e) else {
            break;
        };
        out.push_str(&rest[..start]);
        let token = &rest[start..end + 2];
        let inner = rest[start + 2..end].trim();
        rest = &rest[end + 2..];
        if is_tag {
            unresolved.add(token, place);
            out.push_str(token);
            continue;
        }
        let name = match syntax {
            Syntax::Insomnia => inner
                .strip_prefix("_.")
                .or_else(|| inner.strip_prefix("_['").and_then(|n| n.strip_suffix("']")))
                .unwrap_or(inner),
            _ => inner,
        };
        let value = vars.get(name).or_else(|| match syntax {
            Syntax::Bruno => name.strip_prefix("process.env.").and_then(|n| vars.get(n)),
            _ => None,
        });
        match value {
            Some(v) if depth < 10 => {
                out.push_str(&resolve(v, vars, syntax, place, unresolved, depth + 1))
            }
            _ => {
                unresolved.add(token, place);
                out.push_str(token);
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vars {
        Vars {
            values: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            source: "test".into(),
        }
    }

    #[test]
    fn values_in_place_nested_and_missing_ones_named() {
        let v = vars(&[
            ("host", "{{sub}}.example.com"),
            ("sub", "api"),
            ("ts", "17"),
        ]);
        let mut u = Unresolved::default();
        let out = substitute(
            "https://{{host}}/x?t={{ts}}&n={{nonce}}&g={{$guid}}",
            &v,
            Syntax::Postman,
            "the URL",
            &mut u,
        );
        assert_eq!(
            out,
            "https://api.example.com/x?t=17&n={{nonce}}&g={{$guid}}"
        );
        substitute("{{nonce}}", &v, Syntax::Postman, "the body", &mut u);
        let e = u.check(Syntax::Postman, false).unwrap_err();
        assert_eq!(
            e.message,
            "variables have no value: `{{nonce}}` in the URL and the body, `{{$guid}}` in the URL (a Postman dynamic variable, made when Postman sends): give their values with --environment FILE (the values they had when the request was sent; signing the literal text would not give the signature sent)"
        );
        // A value that names itself stops.
        let v = vars(&[("a", "{{a}}")]);
        let mut u = Unresolved::default();
        substitute("{{a}}", &v, Syntax::Postman, "the body", &mut u);
        assert_eq!(u.found.len(), 1);
    }

    #[test]
    fn values_that_name_each_other_over_and_over_stop() {
        let many = "{{b}}".repeat(200);
        let v = vars(&[
            ("a", &many),
            ("b", &many.replace('b', "c")),
            ("c", &"x".repeat(1000)),
        ]);
        let mut u = Unresolved::default();
        let out = substitute("{{a}}{{a}}", &v, Syntax::Postman, "the body", &mut u);
        assert!(out.len() < 2 * MAX_EXPANDED, "{}", out.len());
        assert!(
            u.check(Syntax::Postman, true)
                .unwrap_err()
                .message
                .contains("more than 16 MiB")
        );
    }

    #[test]
    fn insomnia_and_bruno_forms() {
        let v = vars(&[("base", "https://h"), ("token", "t")]);
        let mut u = Unresolved::default();
        assert_eq!(
            substitute(
                "{{ _.base }}/x {% uuid 'v4' %}",
                &v,
                Syntax::Insomnia,
                "the URL",
                &mut u
            ),
            "https://h/x {% uuid 'v4' %}"
        );
        assert_eq!(u.found[0].0, "{% uuid 'v4' %}");
        let mut u = Unresolved::default();
        assert_eq!(
            substitute(
                "Bearer {{process.env.token}}",
                &v,
                Syntax::Bruno,
                "h",
                &mut u
            ),
            "Bearer t"
        );
    }

    #[test]
    fn environment_files() {
        let postman = br#"{"id":"1","name":"Prod","values":[{"key":"host","value":"api.example.com","enabled":true},{"key":"off","value":"x","enabled":false},{"key":"n","value":5}],"_postman_variable_scope":"environment"}"#;
        let v = read_environment(postman, "p").unwrap();
        assert_eq!(
            v.values,
            [
                ("host".into(), "api.example.com".into()),
                ("n".into(), "5".into())
            ]
        );
        let insomnia = br#"{"base_url": "https://h", "auth": {"token": "t"}}"#;
        let v = read_environment(insomnia, "i").unwrap();
        assert_eq!(v.get("auth.token"), Some("t"));
        assert_eq!(v.get("base_url"), Some("https://h"));
        let bruno = b"vars {\n  host: https://h\n  ~off: 1\n}\nvars:secret [\n  token\n]\n";
        let v = read_environment(bruno, "b").unwrap();
        assert_eq!(v.values, [("host".into(), "https://h".into())]);
        let dotenv = b"# comment\nexport A=1\nB = \"two words\"\nC='x=y'\n";
        let v = read_environment(dotenv, "d").unwrap();
        assert_eq!(
            (v.get("A"), v.get("B"), v.get("C")),
            (Some("1"), Some("two words"), Some("x=y"))
        );
        let e = read_environment(b"just words\n", "e.txt").unwrap_err();
        assert_eq!(e.line, 1);
    }
}
