//! The left column: the fields (the focused one's help on the border), the variants, and the
//! key, headers and body editors, with titles that say what an editor cannot show.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::app::{App, Editor, Focus, ViewState};
use crate::tui::widgets::{ACCENT, fit, pane, printable};

pub(super) fn draw_inputs(app: &App, frame: &mut Frame, area: Rect, view: &mut ViewState) {
    let r = app.recipe();
    let n_fields = app.inputs.fields.len() as u16;
    let n_variants = r.variants.len() as u16;
    let key_lines = match &app.inputs.key {
        Editor::Text(t) => t.lines().len().clamp(1, 3) as u16,
        Editor::Big(_) | Editor::Binary(_) => 1,
    };
    let mut constraints = Vec::new();
    if n_fields > 0 {
        constraints.push(Constraint::Length(n_fields + 2));
    }
    if n_variants > 0 {
        constraints.push(Constraint::Length(n_variants + 2));
    }
    constraints.push(Constraint::Length(key_lines + 2));
    let shows_headers = app.shows_headers();
    if shows_headers {
        let lines = match &app.inputs.headers {
            Editor::Text(t) => t.lines().len().clamp(1, 4) as u16,
            Editor::Big(_) | Editor::Binary(_) => 4,
        };
        constraints.push(Constraint::Length(lines + 2));
    }
    constraints.push(Constraint::Min(3));
    let chunks = Layout::vertical(constraints).split(area);
    let mut next = chunks.iter().copied();

    if n_fields > 0 {
        let block_area = next.next().expect("a chunk per pane");
        let focused = matches!(app.focus, Focus::Field(_));
        let mut block = pane("Fields".to_string(), focused);
        // A value that is not its kind (as the command line checks `--set`) is said there, in
        // the error colour; else the focused field's help.
        let problem = |i: usize| {
            let f = r.fields.get(i)?;
            let value = app.inputs.fields.get(i)?.lines().join("");
            f.kind.problem(&value).map(str::to_string)
        };
        let room = block_area.width.saturating_sub(2) as usize;
        let focused_problem = match app.focus {
            Focus::Field(i) => problem(i),
            _ => None,
        };
        if let Some(p) = focused_problem {
            block =
                block.title_bottom(Span::styled(fit(&p, room), Style::default().fg(Color::Red)));
        } else if let Focus::Field(i) = app.focus
            && let Some(help) = r.fields.get(i).and_then(|f| f.help.as_deref())
        {
            block = block.title_bottom(Span::styled(
                fit(&printable(help), room),
                Style::default().add_modifier(Modifier::ITALIC),
            ));
        }
        let inner = block.inner(block_area);
        frame.render_widget(block, block_area);
        let label_width = r
            .fields
            .iter()
            .map(|f| f.label.chars().count())
            .max()
            .unwrap_or(4)
            .min(18) as u16
            + 1;
        for (i, (f, editor)) in r.fields.iter().zip(&app.inputs.fields).enumerate() {
            let row = Rect::new(inner.x, inner.y + i as u16, inner.width, 1);
            if row.y >= inner.bottom() {
                break;
            }
            let [label, edit] =
                Layout::horizontal([Constraint::Length(label_width), Constraint::Min(1)])
                    .areas(row);
            let style = if problem(i).is_some() {
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
            } else if app.focus == Focus::Field(i) {
                Style::default().fg(ACCENT).add_modifier(Modifier::BOLD)
            } else {
                Style::default().fg(Color::Gray)
            };
            let text: String = f.label.chars().take(label_width as usize - 1).collect();
            frame.render_widget(Paragraph::new(Span::styled(text, style)), label);
            // An unfocused value longer than its room ends in `…`, so it is not taken for whole.
            let value = editor.lines().join("");
            if app.focus != Focus::Field(i)
                && editor.mask_char().is_none()
                && value.chars().count() > edit.width as usize
            {
                frame.render_widget(
                    Paragraph::new(fit(&printable(&value), edit.width as usize)),
                    edit,
                );
            } else {
                frame.render_widget(editor, edit);
            }
            view.areas.fields.push(row);
        }
    }

    if n_variants > 0 {
        let block_area = next.next().expect("a chunk per pane");
        let focused = app.focus == Focus::Variants;
        let mut block = pane("Variants".to_string(), focused);
        if focused
            && let Some(help) = r
                .variants
                .get(app.variant_cursor)
                .and_then(|v| v.help.as_deref())
        {
            let room = block_area.width.saturating_sub(2) as usize;
            block = block.title_bottom(Span::styled(
                fit(&printable(help), room),
                Style::default().add_modifier(Modifier::ITALIC),
            ));
        }
        let inner = block.inner(block_area);
        frame.render_widget(block, block_area);
        let name_width = r.variants.iter().map(|v| v.name.len()).max().unwrap_or(4) + 1;
        let lines: Vec<Line> = r
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let choice = app.inputs.choices.get(&v.name).map_or("", String::as_str);
                let is_default = choice == v.default_choice();
                let selected = focused && i == app.variant_cursor;
                let base = if selected {
                    Style::default().add_modifier(Modifier::REVERSED)
                } else {
                    Style::default()
                };
                Line::from(vec![
                    Span::styled(format!("{:name_width$}", v.name), base.fg(Color::Gray)),
                    Span::styled(
                        format!("‹{choice}›"),
                        if is_default {
                            base
                        } else {
                            base.fg(Color::Yellow).add_modifier(Modifier::BOLD)
                        },
                    ),
                    Span::styled(
                        if is_default {
                            String::new()
                        } else {
                            " (not default)".to_string()
                        },
                        Style::default().fg(Color::DarkGray),
                    ),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
        view.areas.variants = block_area;
    }

    let key_area = next.next().expect("a chunk per pane");
    let key_title = key_title(app, &r.key.label, &mut view.key_words);
    let key_block = pane(
        fit(&key_title, key_area.width.saturating_sub(2) as usize),
        app.focus == Focus::Key,
    );
    match &app.inputs.key {
        // A key that is not UTF-8 shows as hex only when revealed.
        Editor::Binary(h) if !app.reveal => {
            let inner = key_block.inner(key_area);
            frame.render_widget(key_block, key_area);
            frame.render_widget(
                Paragraph::new(format!("(not UTF-8: {} bytes, masked)", h.bytes().len()))
                    .style(Style::default().fg(Color::Yellow)),
                inner,
            );
        }
        key => draw_editor(frame, key, key_block, key_area, false, &mut view.big[0]),
    }
    view.areas.key = key_area;

    view.areas.headers = Rect::default();
    if shows_headers {
        let headers_area = next.next().expect("a chunk per pane");
        draw_editor(
            frame,
            &app.inputs.headers,
            pane(
                match &app.inputs.headers {
                    Editor::Binary(_) => "Headers · as received · hex, not UTF-8".to_string(),
                    _ => "Headers · as received".to_string(),
                },
                app.focus == Focus::Headers,
            ),
            headers_area,
            app.focus == Focus::Headers,
            &mut view.big[1],
        );
        view.areas.headers = headers_area;
    }

    let body_area = next.next().expect("a chunk per pane");
    let body_len = app.inputs.body.len();
    let body_title = match &app.inputs.body {
        Editor::Binary(h) => format!(
            "Body · {body_len} bytes · hex, not UTF-8{} · {}",
            if h.insert_mode() { " · insert" } else { "" },
            r.body.label
        ),
        _ => format!(
            "Body · {body_len} bytes{} · {}",
            invisible_note(app.body_control_bytes),
            r.body.label
        ),
    };
    draw_editor(
        frame,
        &app.inputs.body,
        pane(
            fit(&body_title, body_area.width.saturating_sub(2) as usize),
            app.focus == Focus::Body,
        ),
        body_area,
        app.focus == Focus::Body,
        &mut view.big[2],
    );
    view.areas.body = body_area;
}

fn draw_editor(
    frame: &mut Frame,
    editor: &Editor,
    block: Block<'static>,
    area: Rect,
    focused: bool,
    big: &mut crate::tui::bigtext::BigView,
) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match editor {
        Editor::Text(t) => frame.render_widget(&**t, inner),
        Editor::Big(b) => frame.render_stateful_widget(&**b, inner, big),
        Editor::Binary(h) => frame.render_widget(h.view(focused), inner),
    }
}

/// The key pane's title: how many bytes the key is (masked characters count), how it is read,
/// what a reader cannot see in it, masked or shown, and its label.
fn key_title(app: &App, label: &str, cache: &mut Option<(Vec<u8>, String)>) -> String {
    let written = app.inputs.key.bytes();
    let encoding = app.key_encoding;
    let mut parts = vec!["Key".to_string()];
    // A public-key scheme's key says what it is: its kind and fingerprint (a public key is no
    // secret), or why it does not read as a key.
    if app.recipes[app.current].public_key()
        && let Ok(key) = encoding.decode(&written)
    {
        parts.push(key_words(&key, cache));
        parts.push(if app.reveal { "shown" } else { "masked" }.to_string());
        parts.push(label.to_string());
        return parts.join(" · ");
    }
    match encoding.decode(&written) {
        Ok(key) => {
            parts.push(format!("{} bytes", key.len()));
            if encoding != crate::sign::key::KeyEncoding::Text {
                parts.push(encoding.name().to_string());
            }
            parts.extend(crate::sign::key::notes(&key).iter().map(|n| {
                n.trim_start_matches("it ")
                    .replace("signing with an empty key", "EMPTY")
            }));
        }
        Err(_) => parts.push(format!("not {}", encoding.name())),
    }
    parts.push(if app.reveal { "shown" } else { "masked" }.to_string());
    parts.push(label.to_string());
    parts.join(" · ")
}

/// What a public-key scheme's key is, in words. Reading a key (an RSA private key above all)
/// costs more than a frame should: the words of the last key are kept, so that only an edit of
/// the key reads it again (the view's scratch state keeps them).
fn key_words(key: &[u8], cache: &mut Option<(Vec<u8>, String)>) -> String {
    if let Some((k, words)) = cache.as_ref()
        && k == key
    {
        return words.clone();
    }
    let words = match crate::sign::pubkey::parse(key, None) {
        Ok(k) if k.is_private() => k.kind(),
        Ok(k) => format!("{}, {} (not a secret)", k.kind(), k.fingerprint()),
        Err(_) if key.is_empty() => "empty".to_string(),
        Err(_) if crate::sign::pubkey::public_summary(key, true).is_some() => {
            "a JWKS (the token's kid picks the key)".to_string()
        }
        Err(_) => "not a key sigscope reads".to_string(),
    };
    *cache = Some((key.to_vec(), words.clone()));
    words
}

/// What an editor cannot show: control bytes other than line ends and tabs, which the terminal
/// would act on (the editor leaves them out of its drawing; the stages mark each one).
fn invisible_note(hidden: usize) -> String {
    match hidden {
        0 => String::new(),
        1 => " · 1 control byte, unseen here (the stages mark it)".to_string(),
        n => format!(" · {n} control bytes, unseen here (the stages mark them)"),
    }
}

#[cfg(test)]
mod tests {
    use super::invisible_note;

    #[test]
    fn the_body_title_names_the_control_bytes_the_editor_cannot_show() {
        assert_eq!(invisible_note(0), "");
        assert_eq!(
            invisible_note(3),
            " · 3 control bytes, unseen here (the stages mark them)"
        );
    }
}
