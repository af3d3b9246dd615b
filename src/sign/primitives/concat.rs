//! `concat = [T, …]`, `separator = T`: the parts joined.

use std::sync::Arc;

use serde_json::json;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func, joined};
use crate::sign::primitive::{
    Expected, Mistake, Out, Primitive, Scope, Slip, Spec, StreamRole, Vector, name_of,
};
use crate::sign::template::{Piece, Template};

pub const SPEC: Spec = Spec {
    name: "concat",
    summary: "the parts joined",
    main: ArgSpec::required("concat", Kind::Templates, "the parts, in order"),
    args: &[ArgSpec::optional(
        "separator",
        Kind::Template,
        "",
        "written between two parts",
    )],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(Concat {
            parts: a.main_list()?,
            separator: a.get("separator")?,
        }))
    },
    vectors: &[Vector {
        stage: "concat = [\"GET\", \"/\", \"\", \"{body}\"]\nseparator = \"\\n\"",
        key: "",
        body: "host:example.amazonaws.com",
        expected: Expected::Text("GET\n/\n\nhost:example.amazonaws.com"),
        source: "AWS SigV4 test suite, get-vanilla.creq (its first four lines)",
    }],
    file: file!(),
};

const FUNC: Func = Func {
    name: "concat",
    args: &["parts"],
    inline: true,
};

/// The parts of a concatenation and the separator between them.
#[derive(Debug)]
pub(super) struct Concat {
    pub(super) parts: Vec<Param<Template>>,
    pub(super) separator: Param<Template>,
}

impl Primitive for Concat {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        self.parts
            .iter()
            .map(|p| p.get(sel))
            .chain([self.separator.get(sel)])
            .collect()
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let sep = scope.render(self.separator.get(sel))?;
        let mut out = Vec::new();
        let mut secret = Vec::new();
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                let at = out.len();
                secret.extend(sep.secret.iter().map(|r| r.start + at..r.end + at));
                out.extend_from_slice(&sep.bytes);
            }
            let r = scope.render(part.get(sel))?;
            // Measured before it is made: parts that double each other stop at the limit.
            let len = out.len() + r.bytes.len();
            if len > crate::sign::primitive::MAX_STAGE_BYTES {
                return Err(SignError::StageTooLarge {
                    stage: scope.stage().to_string(),
                    len,
                });
            }
            let at = out.len();
            secret.extend(r.secret.into_iter().map(|r| r.start + at..r.end + at));
            out.extend_from_slice(&r.bytes);
        }
        Ok(Out {
            bytes: out,
            secret: Some(secret),
            how: None,
        })
    }

    fn describe(&self, sel: &Selection) -> String {
        let sep = self.separator.get(sel);
        let joiner = if sep.pieces().is_empty() {
            " + ".to_string()
        } else {
            format!(" + {} + ", name_of(sep))
        };
        let parts: Vec<String> = self.parts.iter().map(|p| name_of(p.get(sel))).collect();
        parts.join(&joiner)
    }

    fn stream_role(&self, sel: &Selection) -> StreamRole<'_> {
        StreamRole::Join {
            parts: &self.parts,
            separator: self.separator.get(sel),
        }
    }

    /// Lines joined with CRLF where the recipe has LF, or the reverse.
    fn mistakes(&self, sel: &Selection) -> Vec<Mistake> {
        let text: String = literal_text(self.separator.get(sel));
        if !text.contains('\n') {
            return Vec::new();
        }
        let crlf = !text.contains("\r\n");
        let separator = self.separator.clone().map(|t| {
            Template::from_pieces(
                t.pieces()
                    .iter()
                    .map(|p| match p {
                        Piece::Literal(l) => {
                            let lf = l.replace("\r\n", "\n");
                            Piece::Literal(if crlf { lf.replace('\n', "\r\n") } else { lf })
                        }
                        r => r.clone(),
                    })
                    .collect(),
            )
        });
        vec![Mistake {
            slip: Slip {
                data: json!({"kind": "separators", "crlf": crlf}),
                dimension: "separators",
                rank: 0,
                sentence: if crlf {
                    "the signer joined the lines with CRLF instead of LF".into()
                } else {
                    "the signer joined the lines with LF instead of CRLF".into()
                },
            },
            prim: Arc::new(Concat {
                parts: self.parts.clone(),
                separator,
            }),
        }]
    }

    /// A concatenation of one part is that part verbatim: a signature written as it is.
    fn output_forms(&self, sel: &Selection, raw: &Template) -> Vec<Mistake> {
        if self.parts.len() == 1 && self.separator.get(sel).pieces().is_empty() {
            super::output::forms(raw)
        } else {
            Vec::new()
        }
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        let parts = self.parts.iter().map(|p| p.get(sel));
        Some(Call::new(
            &FUNC,
            vec![Arg::Bytes(joined(parts, self.separator.get(sel)))],
        ))
    }
}

/// The literal text of a template (its references left out).
fn literal_text(t: &Template) -> String {
    t.pieces()
        .iter()
        .filter_map(|p| match p {
            Piece::Literal(l) => Some(l.as_str()),
            Piece::Ref(_) => None,
        })
        .collect()
}

/// A stage that passes its input through (what a signer who skipped a step computed).
pub(super) fn verbatim(input: Param<Template>) -> Concat {
    Concat {
        parts: vec![input],
        separator: Param::Fixed(Template::from_pieces(Vec::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_crlf_for_lf_separators() {
        let c = Concat {
            parts: vec![Param::Fixed(Template::parse("{a}").unwrap())],
            separator: Param::Fixed(Template::parse("\n").unwrap()),
        };
        let sel = Selection::default();
        let m = c.mistakes(&sel);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].slip.data["crlf"], true);
        assert_eq!(m[0].prim.describe(&sel), "a");
        let none = Concat {
            parts: vec![],
            separator: Param::Fixed(Template::parse("&").unwrap()),
        };
        assert!(none.mistakes(&sel).is_empty());
    }
}
