//! The ways a signer writes a raw MAC as its signature (hex in either case, base64 in either
//! alphabet, padded or not, base64 of the hex text): the slips that the encoding stages offer
//! through [`Primitive::output_forms`]. Not a primitive of recipes: its stages exist only in
//! diagnose's copies of a recipe.

use std::sync::Arc;

use serde_json::json;

use crate::sign::SignError;
use crate::sign::choice::Selection;
use crate::sign::encoding::{Alphabet, Case, base64, hex};
use crate::sign::lower::Call;
use crate::sign::primitive::{Mistake, OUTPUT, Out, Primitive, Scope, Slip, name_of};
use crate::sign::template::Template;

/// One way of writing the MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Hex(Case),
    Base64 { alphabet: Alphabet, padded: bool },
    Base64OfHex(Case),
}

fn case_word(c: Case) -> &'static str {
    match c {
        Case::Lower => "lower",
        Case::Upper => "upper",
    }
}

impl Form {
    fn slip(self) -> Slip {
        let (data, sentence) = match self {
            Form::Hex(c) => (
                json!({"kind": "output", "encoding": "hex", "case": case_word(c)}),
                format!("the signature was the MAC in {}-case hex", case_word(c)),
            ),
            Form::Base64 { alphabet, padded } => (
                json!({
                    "kind": "output",
                    "encoding": "base64",
                    "alphabet": if alphabet == Alphabet::UrlSafe { "url-safe" } else { "standard" },
                    "padded": padded,
                }),
                format!(
                    "the signature was the MAC in base64, {} alphabet, {}",
                    if alphabet == Alphabet::UrlSafe {
                        "URL-safe"
                    } else {
                        "standard"
                    },
                    if padded { "padded" } else { "without padding" }
                ),
            ),
            Form::Base64OfHex(c) => (
                json!({"kind": "output", "encoding": "base64-of-hex", "case": case_word(c)}),
                format!(
                    "the signature was base64 of the {}-case hex text",
                    case_word(c)
                ),
            ),
        };
        Slip {
            data,
            dimension: OUTPUT,
            rank: 9,
            sentence,
        }
    }
}

/// Every way of writing the raw MAC `raw`, most common first, each as a stage.
pub(super) fn forms(raw: &Template) -> Vec<Mistake> {
    let mut all = vec![Form::Hex(Case::Lower), Form::Hex(Case::Upper)];
    for alphabet in [Alphabet::Standard, Alphabet::UrlSafe] {
        for padded in [true, false] {
            all.push(Form::Base64 { alphabet, padded });
        }
    }
    all.extend([
        Form::Base64OfHex(Case::Lower),
        Form::Base64OfHex(Case::Upper),
    ]);
    all.into_iter()
        .map(|form| Mistake {
            slip: form.slip(),
            prim: Arc::new(Encoded {
                input: raw.clone(),
                form,
            }),
        })
        .collect()
}

/// A MAC written in one of the forms.
#[derive(Debug)]
struct Encoded {
    input: Template,
    form: Form,
}

impl Primitive for Encoded {
    fn inputs(&self, _sel: &Selection) -> Vec<&Template> {
        vec![&self.input]
    }

    fn eval(&self, scope: &dyn Scope, _sel: &Selection) -> Result<Out, SignError> {
        let input = scope.render(&self.input)?;
        Ok(match self.form {
            Form::Hex(c) => hex(&input.bytes, c),
            Form::Base64 { alphabet, padded } => base64(&input.bytes, alphabet, padded),
            Form::Base64OfHex(c) => base64(&hex(&input.bytes, c), Alphabet::Standard, true),
        }
        .into())
    }

    fn describe(&self, _sel: &Selection) -> String {
        let input = name_of(&self.input);
        match self.form {
            Form::Hex(c) => format!("hex of {input}, {} case", case_word(c)),
            Form::Base64 { alphabet, padded } => format!(
                "base64 of {input}, {} alphabet, {}",
                if alphabet == Alphabet::UrlSafe {
                    "URL-safe"
                } else {
                    "standard"
                },
                if padded { "padded" } else { "unpadded" }
            ),
            Form::Base64OfHex(c) => {
                format!("base64 of the {} hex text of {input}", case_word(c))
            }
        }
    }

    fn lower(&self, _sel: &Selection) -> Option<Call> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_forms_in_order() {
        let forms = forms(&Template::parse("{mac}").unwrap());
        let sentences: Vec<&str> = forms.iter().map(|m| m.slip.sentence.as_str()).collect();
        assert_eq!(sentences.len(), 8);
        assert_eq!(sentences[0], "the signature was the MAC in lower-case hex");
        assert_eq!(
            sentences[5],
            "the signature was the MAC in base64, URL-safe alphabet, without padding"
        );
        assert_eq!(
            sentences[7],
            "the signature was base64 of the upper-case hex text"
        );
    }
}
