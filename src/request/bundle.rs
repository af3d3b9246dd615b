//! Redacted repro bundles: everything needed to reproduce a signature except the key (the
//! scheme, a user recipe's text, variants, fields, body, the expected signature) and a
//! fingerprint of each stage, so support staff can share a case without the secret.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::sign::{Stage, Trace, visible};

/// The format's version, written in every bundle.
pub const VERSION: u32 = 1;

/// A bundle as written to a file (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub sigscope_bundle: u32,
    pub scheme: String,
    /// The recipe's TOML text when the scheme is not a built-in one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe: Option<String>,
    pub variants: BTreeMap<String, String>,
    pub fields: BTreeMap<String, String>,
    /// The body as text, when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body in base64, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// The request's header lines, for schemes that sign headers.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub headers: String,
    /// The imported request's method and full URL, which a replay of the bundle keeps (with
    /// its header lines above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The signature computed with the key (it is sent with every request anyway).
    pub signature: String,
    pub stages: Vec<StagePrint>,
}

/// A stage's length and SHA-256, taken with the key masked where the stage contains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StagePrint {
    pub name: String,
    pub len: u64,
    pub sha256: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub key_masked: bool,
}

/// The fingerprint of a stage: SHA-256 of its bytes, with every byte of the key replaced by the
/// mask, so a bundle gives nothing that would help guess the key.
pub fn fingerprint(stage: &Stage) -> StagePrint {
    let bytes: Vec<u8> = if stage.secret.is_empty() {
        stage.bytes.clone()
    } else {
        let mut out = Vec::with_capacity(stage.bytes.len());
        let mut at = 0;
        let mut spans = stage.secret.clone();
        spans.sort_by_key(|r| r.start);
        for r in spans {
            if r.start < at {
                continue;
            }
            out.extend_from_slice(&stage.bytes[at..r.start]);
            out.extend_from_slice(visible::MASK.as_bytes());
            at = r.end;
        }
        out.extend_from_slice(&stage.bytes[at..]);
        out
    };
    // The length leaves the key out too: a key of another length must not make a stage that
    // holds it (huawei-tenant's canonical) look different, nor tell the key's length.
    let key_bytes: u64 = stage
        .secret
        .iter()
        .map(|r| r.end.saturating_sub(r.start) as u64)
        .sum();
    StagePrint {
        name: stage.name.clone(),
        len: stage.len().saturating_sub(key_bytes),
        sha256: hex::encode(Sha256::digest(&bytes)),
        key_masked: !stage.secret.is_empty(),
    }
}

impl Bundle {
    /// The bundle with an imported request's method, URL and header lines, so that a replay of
    /// it goes where the request went, as it was.
    pub fn with_request(mut self, base: Option<&super::replay::Base>) -> Bundle {
        if let Some(base) = base {
            self.method = Some(base.method.clone());
            self.url = Some(base.url.clone());
            self.headers = base
                .headers
                .iter()
                .map(|(n, v)| format!("{n}: {v}\n"))
                .collect();
        }
        self
    }

    /// The request a bundle that names one holds, to replay: None for a bundle without a URL.
    pub fn request(&self) -> Option<super::replay::Base> {
        let url = self.url.clone()?;
        Some(super::replay::Base {
            method: self.method.clone().unwrap_or_else(|| "POST".to_string()),
            url,
            headers: self
                .headers
                .lines()
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                .collect(),
            body: self.body_bytes().unwrap_or_default(),
            raw: None,
        })
    }

    /// A bundle of a signed case.
    pub fn new(
        recipe: &crate::sign::Recipe,
        trace: &Trace,
        recipe_text: Option<&str>,
        body: &[u8],
        headers: &[u8],
        expected: Option<&str>,
    ) -> Bundle {
        let (text, b64) = match std::str::from_utf8(body) {
            Ok(t) => (Some(t.to_string()), None),
            Err(_) => (
                None,
                Some(base64::engine::general_purpose::STANDARD.encode(body)),
            ),
        };
        Bundle {
            sigscope_bundle: VERSION,
            scheme: trace.scheme.clone(),
            recipe: recipe_text.map(str::to_string),
            variants: trace
                .selection
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            // Secret fields (an OAuth token secret) stay out, like the key.
            fields: trace
                .fields
                .iter()
                .filter(|(k, _)| {
                    recipe
                        .field(k)
                        .is_none_or(|f| f.kind != crate::sign::FieldKind::Secret)
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            body: text,
            body_base64: b64,
            headers: String::from_utf8_lossy(headers).into_owned(),
            expected: expected.map(|e| e.trim().to_string()),
            method: None,
            url: None,
            signature: trace.signature_text(),
            stages: trace
                .stages
                .iter()
                .filter(|s| s.streamed.is_none())
                .map(fingerprint)
                .collect(),
        }
    }

    /// The bundle as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a bundle serializes") + "\n"
    }

    /// Reads a bundle; the error says what is wrong and where.
    pub fn parse(text: &[u8]) -> Result<Bundle, String> {
        let b: Bundle = serde_json::from_slice(text).map_err(|e| {
            let full = e.to_string();
            let message = full
                .rsplit_once(" at line ")
                .map_or(full.as_str(), |(m, _)| m)
                .to_string();
            format!("line {}, column {}: {message}", e.line(), e.column())
        })?;
        if b.sigscope_bundle != VERSION {
            return Err(format!(
                "bundle format {} is not one this sigscope reads ({VERSION})",
                b.sigscope_bundle
            ));
        }
        if b.body.is_some() && b.body_base64.is_some() {
            return Err("the bundle has both `body` and `body_base64`".to_string());
        }
        Ok(b)
    }

    /// The body's bytes.
    pub fn body_bytes(&self) -> Result<Vec<u8>, String> {
        match (&self.body, &self.body_base64) {
            (Some(t), _) => Ok(t.clone().into_bytes()),
            (None, Some(b)) => base64::engine::general_purpose::STANDARD
                .decode(b)
                .map_err(|e| format!("body_base64 is not base64: {e}")),
            (None, None) => Ok(Vec::new()),
        }
    }

    /// What the fingerprints say, in one sentence: every stage agrees; or which differ, and
    /// when the first to differ is a MAC over stages that all agree, that the key differs.
    pub fn verdict(&self, trace: &Trace) -> String {
        let differ = self.differing_stages(trace);
        if differ.is_empty() {
            return "every stage matches the bundle's fingerprints".to_string();
        }
        let first = trace.stages.iter().find(|s| differ.contains(&s.name));
        let list = differ.join(", ");
        match first {
            Some(s) if s.raw && s.how.to_ascii_uppercase().contains("HMAC") => format!(
                "stages that differ from the bundle's: {list}; the first is `{}`, a MAC over inputs that all agree: the key is not the one the bundle was made with",
                s.name
            ),
            Some(s) => format!(
                "stages that differ from the bundle's: {list}; the first is `{}`: compare its inputs",
                s.name
            ),
            None => format!("stages that differ from the bundle's: {list}"),
        }
    }

    /// Stages whose fingerprint differs from the same stage of `trace` (or that it lacks).
    pub fn differing_stages(&self, trace: &Trace) -> Vec<String> {
        self.stages
            .iter()
            .filter(|p| trace.stage(&p.name).map(fingerprint).as_ref() != Some(p))
            .map(|p| p.name.clone())
            .collect()
    }
}
