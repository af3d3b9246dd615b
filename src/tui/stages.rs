//! The stage panel's layout: each stage as a header row and its content wrapped to the panel's
//! width, invisible bytes marked. Rows are counted for scrolling, but only the visible ones are
//! built, so a 1 MiB stage costs one pass, not a megabyte of widgets.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use crate::sign::Stage;
use crate::sign::visible::{self, Mark, Segment};

/// A stage made ready to show.
pub struct StageView {
    pub name: String,
    pub header: String,
    pub content: Content,
}

pub enum Content {
    /// Text, marked and masked: the stage's bytes and their segments.
    Text(Vec<u8>, Vec<Segment>),
    /// A raw MAC or digest, shown as a hex dump as wide as fits.
    Dump(Vec<u8>),
    /// Streamed, not kept.
    Streamed,
}

impl StageView {
    pub fn new(stage: &Stage, reveal: bool) -> StageView {
        let masked = !reveal && !stage.secret.is_empty();
        let header = format!(
            "{} · {} bytes · {}{}",
            stage.name,
            stage.len(),
            stage.how,
            if masked { " · key masked (F2)" } else { "" }
        );
        let content = if stage.streamed.is_some() {
            Content::Streamed
        } else if stage.raw && !masked {
            Content::Dump(stage.bytes.clone())
        } else {
            // A derived key (a raw MAC used as the next key) masks whole, like the key.
            Content::Text(
                stage.bytes.clone(),
                visible::segments(&stage.bytes, &stage.secret, reveal),
            )
        };
        StageView {
            name: stage.name.clone(),
            header,
            content,
        }
    }

    /// Rows of content at a width (the header not counted).
    pub fn rows(&self, width: usize) -> usize {
        match &self.content {
            Content::Text(bytes, segs) => wrap(bytes, segs, width, 0, 0, &mut Vec::new()),
            Content::Dump(bytes) => bytes.len().div_ceil(dump_width(width)).max(1),
            Content::Streamed => 1,
        }
    }

    /// Content rows `skip..skip + take` at a width.
    pub fn lines(&self, width: usize, skip: usize, take: usize) -> Vec<Line<'static>> {
        match &self.content {
            Content::Text(bytes, segs) => {
                let mut out = Vec::new();
                wrap(bytes, segs, width, skip, take, &mut out);
                out
            }
            Content::Dump(bytes) => visible::hex_dump(bytes, dump_width(width))
                .into_iter()
                .skip(skip)
                .take(take)
                .map(|l| Line::from(Span::styled(l, Style::default().fg(Color::LightBlue))))
                .collect(),
            Content::Streamed => vec![Line::from(Span::styled(
                "(streamed, not kept)",
                Style::default().add_modifier(Modifier::DIM),
            ))],
        }
    }
}

/// Bytes a hex-dump row holds at a width: 16 (57 columns), 8 (29) or 4.
fn dump_width(width: usize) -> usize {
    match width {
        w if w >= 57 => 16,
        w if w >= 29 => 8,
        _ => 4,
    }
}

/// The style of a mark.
pub fn mark_style(mark: Mark) -> Style {
    let s = Style::default();
    match mark {
        Mark::Text => s,
        Mark::Cr | Mark::Lf | Mark::Tab => s.fg(Color::Yellow).add_modifier(Modifier::BOLD),
        Mark::TrailingSpace => s.fg(Color::Red).add_modifier(Modifier::BOLD),
        Mark::Bom | Mark::Invisible => s.fg(Color::Black).bg(Color::Magenta),
        Mark::Control => s.fg(Color::Black).bg(Color::Red),
        Mark::InvalidByte => s.fg(Color::White).bg(Color::Red),
        Mark::NonAscii => s.fg(Color::Cyan),
        Mark::Combining => s.fg(Color::Black).bg(Color::Magenta),
        Mark::MixedScript => s
            .fg(Color::White)
            .bg(Color::Magenta)
            .add_modifier(Modifier::UNDERLINED),
        Mark::Secret => s.fg(Color::Black).bg(Color::Yellow),
    }
}

/// Wraps segments into rows of `width` columns; pushes rows `skip..skip + take` into `out` and
/// returns the number of rows. A mark (`\r`, `\u{feff}`, `‹key›` …) is never split; LF ends a row.
fn wrap(
    bytes: &[u8],
    segs: &[Segment],
    width: usize,
    skip: usize,
    take: usize,
    out: &mut Vec<Line<'static>>,
) -> usize {
    let width = width.max(8);
    let mut row = 0usize;
    let mut col = 0usize;
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_mark = Mark::Text;
    let visible = |row: usize| row >= skip && row < skip + take;
    let flush_run = |run: &mut String, mark: Mark, spans: &mut Vec<Span<'static>>| {
        if !run.is_empty() {
            spans.push(Span::styled(std::mem::take(run), mark_style(mark)));
        }
    };
    macro_rules! new_row {
        () => {{
            flush_run(&mut run, run_mark, &mut spans);
            if visible(row) {
                out.push(Line::from(std::mem::take(&mut spans)));
            } else {
                spans.clear();
            }
            row += 1;
            col = 0;
        }};
    }
    for seg in segs {
        if take > 0 && row >= skip + take {
            break;
        }
        let atomic = !matches!(seg.mark, Mark::Text | Mark::NonAscii | Mark::TrailingSpace);
        if atomic {
            let shown = seg.shown(bytes);
            let w = shown.chars().count();
            if col > 0 && col + w > width {
                new_row!();
            }
            if visible(row) {
                if run_mark != seg.mark {
                    flush_run(&mut run, run_mark, &mut spans);
                    run_mark = seg.mark;
                }
                run.push_str(&shown);
            }
            col += w;
            if seg.mark == Mark::Lf {
                new_row!();
            }
            continue;
        }
        // Printable ASCII is one column a byte: when none of the rows it spans is shown, where
        // it ends is arithmetic (a break comes only when a character does not fit).
        if seg.mark == Mark::Text && !seg.bytes.is_empty() {
            let last = col + seg.bytes.len() - 1;
            let end_row = row + last / width;
            let shown = take > 0 && end_row >= skip && row < skip + take;
            if !shown {
                if end_row > row {
                    // Rows that end inside this run are all off screen: drop what they held.
                    flush_run(&mut run, run_mark, &mut spans);
                    spans.clear();
                }
                row = end_row;
                col = last % width + 1;
                run_mark = seg.mark;
                continue;
            }
        }
        if visible(row) && run_mark != seg.mark {
            flush_run(&mut run, run_mark, &mut spans);
        }
        run_mark = seg.mark;
        for c in seg.shown(bytes).chars() {
            let w = c.width().unwrap_or(0);
            if col + w > width {
                new_row!();
                run_mark = seg.mark;
            }
            if visible(row) {
                run.push(c);
            }
            col += w;
        }
    }
    if col > 0 || row == 0 {
        flush_run(&mut run, run_mark, &mut spans);
        if visible(row) {
            out.push(Line::from(spans));
        }
        row += 1;
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    fn view(bytes: &[u8]) -> StageView {
        StageView {
            name: "s".into(),
            header: String::new(),
            content: Content::Text(bytes.to_vec(), visible::segments(bytes, &[], false)),
        }
    }

    #[test]
    fn wraps_at_width_and_breaks_after_lf() {
        let v = view(b"abcdefghij\r\nxy");
        assert_eq!(v.rows(8), 3);
        assert_eq!(text(&v.lines(8, 0, 10)), ["abcdefgh", "ij\\r\\n", "xy"]);
        assert_eq!(text(&v.lines(8, 1, 1)), ["ij\\r\\n"]);
    }

    #[test]
    fn wide_characters_and_marks_are_not_split() {
        let v = view("测试测试测\u{feff}".as_bytes());
        // Five wide characters (10 columns) then an eight-column \u{feff} mark, at width 12.
        assert_eq!(text(&v.lines(12, 0, 10)), ["测试测试测", "\\u{feff}"]);
        assert_eq!(v.rows(12), 2);
    }

    #[test]
    fn counting_and_showing_agree() {
        // A mix of long ASCII runs, marks and wide characters: the arithmetic count must give
        // the rows the character walk shows, at every width and window.
        let mut bytes = Vec::new();
        for i in 0..40 {
            bytes.extend_from_slice(&b"x".repeat(i * 7));
            bytes.extend_from_slice(if i % 3 == 0 {
                "\r\n".as_bytes()
            } else {
                "测 \t".as_bytes()
            });
        }
        let v = view(&bytes);
        for width in [8, 13, 40, 57] {
            let all = v.lines(width, 0, usize::MAX / 2);
            assert_eq!(v.rows(width), all.len(), "width {width}");
            for skip in [0, 3, 17, all.len() - 2] {
                assert_eq!(
                    text(&v.lines(width, skip, 5)),
                    text(&all[skip..(skip + 5).min(all.len())]),
                    "width {width}, skip {skip}"
                );
            }
        }
    }

    #[test]
    fn empty_and_trailing_lf() {
        assert_eq!(view(b"").rows(10), 1);
        assert_eq!(text(&view(b"a\n").lines(10, 0, 5)), ["a\\n"]);
        assert_eq!(view(b"a\n").rows(10), 1);
    }
}
