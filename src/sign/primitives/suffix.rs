//! `ensure_suffix = T` with `suffix = T`: the bytes with the suffix added when they do not end
//! with it already (Huawei Cloud APIG's canonical URI always ends with `/`).

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "ensure_suffix",
    summary: "the bytes, with `suffix` added unless they end with it already (a path that always ends with `/`)",
    main: ArgSpec::required("ensure_suffix", Kind::Template, "the bytes"),
    args: &[ArgSpec::required(
        "suffix",
        Kind::Template,
        "what they must end with",
    )],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(EnsureSuffix {
            input: a.main()?,
            suffix: a.get("suffix")?,
        }))
    },
    vectors: &[
        Vector {
            stage: "ensure_suffix = \"{body}\"\nsuffix = \"/\"",
            key: "",
            body: "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
            expected: Expected::Text("/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/"),
            source: "Huawei Cloud API Request Signing Guide, Constructing a Standard Request (CanonicalURI of the VPC query API)",
        },
        Vector {
            stage: "ensure_suffix = \"{body}\"\nsuffix = \"/\"",
            key: "",
            body: "/",
            expected: Expected::Text("/"),
            source: "Huawei Cloud API Request Signing Guide, Constructing a Standard Request (a URI that ends with / is kept)",
        },
    ],
    file: file!(),
};

const FUNC: Func = Func::helper("ensure_suffix", &["data", "suffix"]);

#[derive(Debug)]
struct EnsureSuffix {
    input: Param<Template>,
    suffix: Param<Template>,
}

impl Primitive for EnsureSuffix {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel), self.suffix.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let input = scope.render(self.input.get(sel))?;
        let suffix = scope.render(self.suffix.get(sel))?;
        let mut secret = input.secret;
        let mut bytes = input.bytes.into_owned();
        if !bytes.ends_with(&suffix.bytes) {
            let at = bytes.len();
            secret.extend(suffix.secret.iter().map(|r| r.start + at..r.end + at));
            bytes.extend_from_slice(&suffix.bytes);
        }
        Ok(Out {
            bytes,
            secret: Some(secret),
            how: None,
        })
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "{} ending with {} (added when missing)",
            name_of(self.input.get(sel)),
            name_of(self.suffix.get(sel))
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Bytes(self.suffix.get(sel).clone()),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    #[test]
    fn added_once_and_only_when_missing() {
        let slash = EnsureSuffix {
            input: fixed("{p}"),
            suffix: fixed("/"),
        };
        // huaweicloudsdkcore's signer: `if url_path[-1] != '/': url_path += '/'`.
        assert_eq!(
            eval_over_values(&slash, &[("p", b"/a/b")]).unwrap(),
            b"/a/b/"
        );
        assert_eq!(
            eval_over_values(&slash, &[("p", b"/a/b/")]).unwrap(),
            b"/a/b/"
        );
        assert_eq!(
            eval_over_values(&slash, &[("p", b"/a//")]).unwrap(),
            b"/a//"
        );
        assert_eq!(eval_over_values(&slash, &[("p", b"")]).unwrap(), b"/");
        let nothing = EnsureSuffix {
            input: fixed("{p}"),
            suffix: fixed(""),
        };
        assert_eq!(eval_over_values(&nothing, &[("p", b"x")]).unwrap(), b"x");
    }
}
