//! `normalize_path = T`: a URL path with dot segments resolved and empty segments removed, as
//! AWS normalizes paths for every service but S3 (an empty path is `/`).

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, name_of};
use crate::sign::template::Template;

pub const SPEC: Spec = Spec {
    name: "normalize_path",
    summary: "`.`, `..` and empty segments resolved (AWS; an empty path is `/`)",
    main: ArgSpec::required("normalize_path", Kind::Template, "a URL path"),
    args: &[],
    func: &FUNC,
    build: |a| Ok(Arc::new(Normalize { input: a.main()? })),
    vectors: &[Vector {
        stage: "normalize_path = \"{body}\"",
        key: "",
        body: "/example1/example2/../..",
        expected: Expected::Text("/"),
        source: "AWS SigV4 test suite, normalize-path/get-relative-relative",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper("normalize_path", &["path"]);

/// Resolves `.` and `..` (RFC 3986 section 5.2.4) and drops empty segments; keeps a final `/`.
pub fn normalize_path(path: &[u8]) -> Vec<u8> {
    let mut kept: Vec<&[u8]> = Vec::new();
    for seg in path.split(|&b| b == b'/') {
        match seg {
            b"" | b"." => {}
            b".." => {
                kept.pop();
            }
            s => kept.push(s),
        }
    }
    let mut out = b"/".to_vec();
    out.extend_from_slice(&kept.join(&b'/'));
    let dir = path.ends_with(b"/") || path.ends_with(b"/.") || path.ends_with(b"/..");
    if dir && !kept.is_empty() {
        out.push(b'/');
    }
    out
}

#[derive(Debug)]
struct Normalize {
    input: Param<Template>,
}

impl Primitive for Normalize {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let input = scope.render(self.input.get(sel))?;
        Ok(normalize_path(&input.bytes).into())
    }

    fn describe(&self, sel: &Selection) -> String {
        format!(
            "{} with `.`, `..` and empty segments resolved",
            name_of(self.input.get(sel))
        )
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        Some(Call::new(
            &FUNC,
            vec![Arg::Bytes(self.input.get(sel).clone())],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_path as n;

    #[test]
    fn dot_segments_and_slashes() {
        assert_eq!(n(b"//example//"), b"/example/");
        assert_eq!(n(b"/example1/example2/../.."), b"/");
        assert_eq!(n(b"/./"), b"/");
        assert_eq!(n(b"/./example"), b"/example");
        assert_eq!(n(b"/example/.."), b"/");
        assert_eq!(n(b""), b"/");
        assert_eq!(n(b"/a/b/../c"), b"/a/c");
    }
}
