//! Templates: literal text with `{name}` references to inputs and earlier stages.

use std::fmt;

/// A parsed template: literal bytes and references, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Literal(String),
    Ref(String),
}

/// Why a template could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError(String);

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Template {
    /// Reads `text`: `{name}` refers to an input or stage, `{{` and `}}` are literal braces.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let rest = &text[at + 1..];
                    let end = rest.find('}').ok_or_else(|| {
                        TemplateError(format!(
                            "`{{` at character {} is not closed (write `{{{{` for a literal brace)",
                            at + 1
                        ))
                    })?;
                    let name = &rest[..end];
                    if name.is_empty()
                        || !name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                    {
                        return Err(TemplateError(format!(
                            "`{{{name}}}` is not a reference: names are letters, digits, `_`, `-` or `.` (write `{{{{` for a literal brace)"
                        )));
                    }
                    if !literal.is_empty() {
                        pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Ref(name.to_string()));
                    for _ in 0..=end {
                        chars.next();
                    }
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        Ok(Template { pieces })
    }

    /// A template of pieces; adjacent literals are merged and empty ones dropped.
    pub fn from_pieces(list: Vec<Piece>) -> Template {
        let mut pieces: Vec<Piece> = Vec::with_capacity(list.len());
        for piece in list {
            match (pieces.last_mut(), piece) {
                (_, Piece::Literal(l)) if l.is_empty() => {}
                (Some(Piece::Literal(last)), Piece::Literal(l)) => last.push_str(&l),
                (_, piece) => pieces.push(piece),
            }
        }
        Template { pieces }
    }

    /// The pieces in order.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The names referred to, in order.
    pub fn references(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Ref(r) => Some(r.as_str()),
            Piece::Literal(_) => None,
        })
    }

    /// The one name this template consists of, if it is a single reference.
    pub fn single_ref(&self) -> Option<&str> {
        match self.pieces.as_slice() {
            [Piece::Ref(r)] => Some(r),
            _ => None,
        }
    }
}

impl fmt::Display for Template {
    /// Written back in recipe syntax.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.pieces {
            match p {
                Piece::Literal(l) => f.write_str(&l.replace('{', "{{").replace('}', "}}"))?,
                Piece::Ref(r) => write!(f, "{{{r}}}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_literals() {
        let t = Template::parse("WallTech {token}:{signature}").unwrap();
        assert_eq!(
            t.pieces(),
            &[
                Piece::Literal("WallTech ".into()),
                Piece::Ref("token".into()),
                Piece::Literal(":".into()),
                Piece::Ref("signature".into()),
            ]
        );
        assert_eq!(t.to_string(), "WallTech {token}:{signature}");
    }

    #[test]
    fn escaped_braces_are_literal() {
        let t = Template::parse("{{\"a\":1}}").unwrap();
        assert_eq!(t.pieces(), &[Piece::Literal("{\"a\":1}".into())]);
        assert_eq!(t.references().count(), 0);
    }

    #[test]
    fn unclosed_and_bad_names_are_errors() {
        assert!(
            Template::parse("{body")
                .unwrap_err()
                .0
                .contains("not closed")
        );
        assert!(
            Template::parse("{a b}")
                .unwrap_err()
                .0
                .contains("not a reference")
        );
        assert!(Template::parse("{}").is_err());
    }

    #[test]
    fn single_ref() {
        assert_eq!(Template::parse("{mac}").unwrap().single_ref(), Some("mac"));
        assert_eq!(Template::parse("x{mac}").unwrap().single_ref(), None);
    }
}
