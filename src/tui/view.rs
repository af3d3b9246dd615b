//! Draws the app: title, inputs on the left, the live stage panel and the expected signature on
//! the right, status and footer below, the help and the scheme picker as overlays.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Clear, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState, Wrap,
};

use super::app::{App, Areas, Editor, Focus, Pick};
use super::keys::{self, Scope};
use crate::sign::{self, Comparison};

const ACCENT: Color = Color::Cyan;

fn pane(title: String, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::default().fg(ACCENT).add_modifier(Modifier::BOLD)
    } else {
        Style::default().fg(Color::Gray)
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(Span::styled(title, style))
}

/// Draws the whole screen.
pub fn draw(app: &App, frame: &mut Frame) {
    draw_coloured(app, frame);
    if app.no_color {
        without_colours(frame.buffer_mut());
    }
}

/// NO_COLOR means no colour, not no emphasis: a coloured background becomes reverse video, an
/// accent or signal colour becomes bold, grey becomes dim; every colour is then removed.
pub fn without_colours(buffer: &mut ratatui::buffer::Buffer) {
    for cell in buffer.content.iter_mut() {
        let mut m = cell.modifier;
        if cell.bg != Color::Reset {
            m.toggle(Modifier::REVERSED);
        } else {
            match cell.fg {
                Color::Reset | Color::White => {}
                Color::Gray | Color::DarkGray => m.insert(Modifier::DIM),
                _ => m.insert(Modifier::BOLD),
            }
        }
        cell.modifier = m;
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
        cell.underline_color = Color::Reset;
    }
}

fn draw_coloured(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let mut areas = Areas::default();
    let [title, main, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(6),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    areas.title = title;
    draw_title(app, frame, title);

    let left_width = (area.width * 42 / 100)
        .clamp(30.min(area.width / 2), area.width / 2)
        .max(24);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_width), Constraint::Min(20)]).areas(main);
    draw_inputs(app, frame, left, &mut areas);
    draw_right(app, frame, right, &mut areas);
    draw_status(app, frame, status);
    draw_footer(frame, footer);
    if let Some(_picker) = &app.picker {
        draw_picker(app, frame, area);
    }
    if let Some(b) = &app.request_box {
        draw_paste_box(
            frame,
            area,
            "Paste a raw HTTP request or a curl command line · F7 reads it · Esc cancels",
            b,
        );
    }
    if let Some(b) = &app.theirs_box {
        draw_paste_box(
            frame,
            area,
            "Paste the string the server says it signed · Alt-T compares · Esc cancels",
            b,
        );
    }
    if app.list_open {
        draw_received(app, frame, area);
    }
    if app.copy_menu {
        let lines: Vec<Line> = keys::BINDINGS
            .iter()
            .filter(|b| b.scope == Scope::CopyMenu)
            .map(|b| {
                let help = if b.action == keys::Action::CopyCode {
                    format!("copy the trace as {} code", app.code_lang.label())
                } else {
                    b.help.to_string()
                };
                Line::from(vec![
                    Span::styled(
                        format!(" {} ", b.keys_label),
                        Style::default().fg(Color::Black).bg(ACCENT),
                    ),
                    Span::raw(format!(" {help}")),
                ])
            })
            .collect();
        let rect = centered(area, 72, lines.len() as u16 + 2);
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(lines).block(pane("Copy as · Esc cancels".to_string(), true)),
            rect,
        );
    }
    if app.help {
        draw_help(app, frame, area);
    }
    *app.areas.borrow_mut() = areas;
}

fn draw_title(app: &App, frame: &mut Frame, area: Rect) {
    let r = app.recipe();
    let line = Line::from(vec![
        Span::styled(
            " sigscope ",
            Style::default()
                .fg(Color::Black)
                .bg(ACCENT)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
        Span::styled(r.id.clone(), Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(format!(" · {}", r.name)),
    ]);
    let mut spans = line.spans;
    if let Some(r) = &app.received {
        let text = if r.unseen > 0 {
            format!("  ● listening :{} · {} new (F11)", r.addr.port(), r.unseen)
        } else {
            format!("  ● listening :{}", r.addr.port())
        };
        spans.push(Span::styled(text, Style::default().fg(Color::Green)));
    }
    let line = Line::from(spans);
    let hint = "  (F4: scheme)";
    let line = if line.width() + hint.len() <= area.width as usize {
        let mut spans = line.spans;
        spans.push(Span::styled(hint, Style::default().fg(Color::DarkGray)));
        Line::from(spans)
    } else {
        line
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_inputs(app: &App, frame: &mut Frame, area: Rect, areas: &mut Areas) {
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
        // The focused field's help, on the bottom border.
        if let Focus::Field(i) = app.focus
            && let Some(help) = r.fields.get(i).and_then(|f| f.help.as_deref())
        {
            let room = block_area.width.saturating_sub(2) as usize;
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
            let style = if app.focus == Focus::Field(i) {
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
            areas.fields.push(row);
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
        areas.variants = block_area;
    }

    let key_area = next.next().expect("a chunk per pane");
    let key_title = key_title(app, &r.key.label);
    draw_editor(
        frame,
        &app.inputs.key,
        pane(
            fit(&key_title, key_area.width.saturating_sub(2) as usize),
            app.focus == Focus::Key,
        ),
        key_area,
    );
    areas.key = key_area;

    areas.headers = Rect::default();
    if shows_headers {
        let headers_area = next.next().expect("a chunk per pane");
        draw_editor(
            frame,
            &app.inputs.headers,
            pane(
                "Headers · as received".to_string(),
                app.focus == Focus::Headers,
            ),
            headers_area,
        );
        areas.headers = headers_area;
    }

    let body_area = next.next().expect("a chunk per pane");
    let body_len = app.inputs.body.len();
    let body_title = format!(
        "Body · {body_len} bytes{} · {}",
        invisible_note(app.body_control_bytes),
        r.body.label
    );
    draw_editor(
        frame,
        &app.inputs.body,
        pane(
            fit(&body_title, body_area.width.saturating_sub(2) as usize),
            app.focus == Focus::Body,
        ),
        body_area,
    );
    areas.body = body_area;
}

fn draw_editor(frame: &mut Frame, editor: &Editor, block: Block<'static>, area: Rect) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match editor {
        Editor::Text(t) => frame.render_widget(&**t, inner),
        Editor::Big(b) => frame.render_widget(&**b, inner),
        Editor::Binary(b) => frame.render_widget(
            Paragraph::new(format!(
                "(not UTF-8: {} bytes, kept exactly; not editable here)",
                b.len()
            ))
            .style(Style::default().fg(Color::Yellow))
            .wrap(Wrap { trim: false }),
            inner,
        ),
    }
}

fn draw_right(app: &App, frame: &mut Frame, area: Rect, areas: &mut Areas) {
    let inner_width = area.width.saturating_sub(2).max(1) as usize;
    let lines = expected_lines(app, inner_width);
    // Borders, the editor, then each line as many rows as it wraps to.
    let rows: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_width))
        .sum();
    let height = 3 + rows as u16;
    let diagnosis_rows = app.diagnosis.as_ref().map_or(0, |d| {
        let rows: usize = d
            .iter()
            .map(|l| l.chars().count().max(1).div_ceil(inner_width))
            .sum();
        (rows as u16 + 2).min(area.height / 2)
    });
    let [diagnosis, stages, expected] = Layout::vertical([
        Constraint::Length(diagnosis_rows),
        Constraint::Min(4),
        Constraint::Length(height),
    ])
    .areas(area);
    if let Some(d) = &app.diagnosis {
        let lines: Vec<Line> = d
            .iter()
            .map(|l| {
                let style = if l.starts_with("Explained") {
                    Style::default()
                        .fg(Color::Green)
                        .add_modifier(Modifier::BOLD)
                } else if l.starts_with("Not explained") {
                    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
                } else {
                    Style::default()
                };
                Line::from(Span::styled(l.clone(), style))
            })
            .collect();
        // Longer than its box: scrolled with Alt-Up/Alt-Down, the title says which rows.
        let total: usize = d
            .iter()
            .map(|l| l.chars().count().max(1).div_ceil(inner_width))
            .sum();
        let room = diagnosis.height.saturating_sub(2) as usize;
        let max_scroll = total.saturating_sub(room);
        let scroll = app.diagnosis_scroll.get().min(max_scroll);
        app.diagnosis_scroll.set(scroll);
        let title = if max_scroll > 0 {
            format!(
                "Diagnosis · rows {}–{} of {total} · Alt-Up/Down",
                scroll + 1,
                scroll + room
            )
        } else {
            "Diagnosis (F8)".to_string()
        };
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((scroll as u16, 0))
                .block(pane(title, false)),
            diagnosis,
        );
    }
    if app.response.is_some() || app.sending.is_some() {
        // The answer beside the stages when there is room, else below them.
        let [stages, answer] = if stages.width >= 100 {
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(stages)
        } else {
            Layout::vertical([Constraint::Min(4), Constraint::Percentage(45)]).areas(stages)
        };
        draw_stages(app, frame, stages, areas);
        draw_response(app, frame, answer);
    } else {
        draw_stages(app, frame, stages, areas);
    }
    draw_expected(app, frame, expected, lines, areas);
}

/// A box over the screen that text is pasted into (F7's request, Alt-T's server string).
fn draw_paste_box(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    text: &ratatui_textarea::TextArea<'static>,
) {
    let rect = centered(
        area,
        area.width.saturating_sub(8).max(40),
        area.height.saturating_sub(6).max(8),
    );
    frame.render_widget(Clear, rect);
    let block = pane(title.to_string(), true);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(text, inner);
}

/// The answer to the request sent (F12), or the request on its way.
fn draw_response(app: &App, frame: &mut Frame, area: Rect) {
    let inner_width = area.width.saturating_sub(2).max(1) as usize;
    let room = area.height.saturating_sub(2) as usize;
    let (title, style, lines): (String, Style, Vec<Line>) = match (&app.sending, &app.response) {
        (Some(s), _) => (
            format!(
                "Sending to {} · {:.1} s · Esc cancels",
                s.target,
                s.started.elapsed().as_secs_f64()
            ),
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            s.request.iter().map(|l| Line::from(l.clone())).collect(),
        ),
        (None, Some(r)) => {
            let style = if r.ok {
                Style::default()
                    .fg(Color::Green)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
            };
            let lines = r
                .lines
                .iter()
                .map(|l| {
                    let style = if l.starts_with("> ") {
                        Style::default().fg(Color::DarkGray)
                    } else if l.starts_with("< ") {
                        Style::default().fg(ACCENT)
                    } else if l.starts_with("The server's") {
                        Style::default()
                            .fg(Color::Yellow)
                            .add_modifier(Modifier::BOLD)
                    } else {
                        Style::default()
                    };
                    Line::from(Span::styled(l.clone(), style))
                })
                .collect();
            (format!("Answer {}", r.title), style, lines)
        }
        (None, None) => return,
    };
    let total: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_width))
        .sum();
    let max_scroll = total.saturating_sub(room);
    let scroll = app.response_scroll.get().min(max_scroll);
    app.response_scroll.set(scroll);
    // Where it scrolls, that is said before the timings, which may be cut.
    let title = if max_scroll > 0 {
        let (first, rest) = title.split_once(" · ").unwrap_or((&title, ""));
        format!(
            "{first} · rows {}–{} of {total} · Alt-Up/Down · {rest}",
            scroll + 1,
            (scroll + room).min(total)
        )
    } else {
        title
    };
    let title = fit(&title, area.width.saturating_sub(2) as usize);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(Span::styled(title, style));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll as u16, 0))
            .block(block),
        area,
    );
}

/// The received-requests list (F11): newest first, the selection on a row, its verdict below.
fn draw_received(app: &App, frame: &mut Frame, area: Rect) {
    let Some(r) = &app.received else { return };
    let rect = centered(
        area,
        area.width.saturating_sub(4).max(40),
        area.height.saturating_sub(4).max(8),
    );
    frame.render_widget(Clear, rect);
    let title = fit(
        &format!("{} · Enter opens · Esc closes", app.received_title()),
        rect.width.saturating_sub(2) as usize,
    );
    let block = pane(title, true);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let width = inner.width as usize;
    // The selected request's verdict at the bottom, in full.
    let detail: Vec<String> = r
        .row(r.cursor)
        .map(|c| {
            let mut d = vec![String::new()];
            match &c.verdict {
                Some(v) => {
                    d.push(format!(
                        "#{} from {} · {} {} · {} body bytes{} · answered {}",
                        c.seq,
                        c.peer,
                        c.method,
                        printable(&c.target),
                        c.body_len,
                        if c.chunked { " (chunked)" } else { "" },
                        c.status
                    ));
                    d.push(format!(
                        "received {}",
                        printable(v.received.as_deref().unwrap_or("-"))
                    ));
                    d.push(format!("computed {}", v.computed.as_deref().unwrap_or("-")));
                    d.extend(wrap_words(&printable(v.sentence()), width));
                    for n in &v.notes {
                        d.extend(wrap_words(&format!("note: {}", printable(n)), width));
                    }
                    if let Some(f) = &c.forwarded {
                        d.push(match f {
                            Ok(s) => format!("forwarded: the app answered {s}"),
                            Err(e) => format!("forward failed: {}", printable(e)),
                        });
                    }
                }
                None => {
                    d.push(format!(
                        "#{} from {} · refused with {}",
                        c.seq, c.peer, c.status
                    ));
                    d.extend(wrap_words(
                        &printable(c.problem.as_deref().unwrap_or("")),
                        width,
                    ));
                }
            }
            d
        })
        .unwrap_or_default();
    let list_rows = (inner.height as usize).saturating_sub(detail.len()).max(1);
    r.page.set(list_rows);
    let mut lines: Vec<Line> = Vec::new();
    if r.captures.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "Nothing yet. Send requests to http://{} (curl, your provider's test delivery, a tunnel).",
                r.addr
            ),
            Style::default().fg(Color::Gray),
        )));
    }
    let first = r.cursor.saturating_sub(list_rows.saturating_sub(1));
    for i in first..(first + list_rows).min(r.captures.len()) {
        let Some(c) = r.row(i) else { break };
        let (mark, mark_style) = match &c.verdict {
            Some(v) if v.matched() => ("✓", Style::default().fg(Color::Green)),
            Some(v) if v.outcome == crate::wire::verdict::Outcome::Mismatch => {
                ("✗", Style::default().fg(Color::Red))
            }
            _ => ("?", Style::default().fg(Color::Yellow)),
        };
        let scheme = c
            .verdict
            .as_ref()
            .and_then(|v| v.scheme.clone())
            .unwrap_or_else(|| "-".to_string());
        let sentence = match &c.verdict {
            Some(v) => v.sentence().to_string(),
            None => c.problem.clone().unwrap_or_default(),
        };
        let head = format!(
            "{} {:>5} {:<6} {:<28} {:<16} ",
            crate::wire::listen::clock_time(c.millis),
            c.seq,
            fit(if c.method.is_empty() { "-" } else { &c.method }, 6),
            fit(&printable(&c.target), 28),
            fit(&scheme, 16),
        );
        let rest = fit(
            &printable(&sentence),
            width.saturating_sub(head.chars().count() + 2),
        );
        let selected = i == r.cursor;
        let base = if selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(head, base),
            Span::styled(
                format!("{mark} "),
                base.patch(mark_style).add_modifier(Modifier::BOLD),
            ),
            Span::styled(rest, base),
        ]));
    }
    while lines.len() < list_rows {
        lines.push(Line::from(""));
    }
    lines.extend(detail.into_iter().map(Line::from));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_stages(app: &App, frame: &mut Frame, area: Rect, areas: &mut Areas) {
    let focused = app.focus == Focus::Stages;
    let trace = match &app.computed.result {
        Ok(t) => t,
        Err(e) => {
            let title = if app.catching_up() {
                "Stages · error · catching up…"
            } else {
                "Stages · error"
            };
            let block =
                pane(title.to_string(), focused).border_style(Style::default().fg(Color::Red));
            let text = vec![
                Line::from(Span::styled(
                    e.clone(),
                    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
                )),
                Line::from(""),
                Line::from(Span::styled(
                    "Your edits are kept; the stages come back as soon as the inputs sign.",
                    Style::default().fg(Color::DarkGray),
                )),
            ];
            frame.render_widget(
                Paragraph::new(text).block(block).wrap(Wrap { trim: false }),
                area,
            );
            areas.stages = area;
            return;
        }
    };
    let inner_width = area.width.saturating_sub(3) as usize; // borders and the scrollbar
    let content_width = inner_width.saturating_sub(2).max(8);
    let height = area.height.saturating_sub(2) as usize;
    areas.stages = area;
    areas.stage_page = height.max(1);

    // The panel is a list of blocks: each stage's header and content, then where the result goes.
    let rows = app.computed.rows(content_width);
    let placement = placement_lines(trace, inner_width);
    let mut starts = Vec::with_capacity(rows.len());
    let mut total = 0usize;
    for r in &rows {
        starts.push(total);
        total += 1 + r;
    }
    let placement_start = total;
    total += placement.len();

    let max_scroll = total.saturating_sub(height);
    let mut scroll = app.stage_scroll.get().min(max_scroll);
    if app.follow_selection.get()
        && let Some(&top) = starts.get(app.stage_cursor)
    {
        if top < scroll {
            scroll = top;
        } else if top >= scroll + height {
            scroll = (top + 1).saturating_sub(height);
        }
    }
    app.stage_scroll.set(scroll);

    let mut lines: Vec<Line<'static>> = Vec::with_capacity(height);
    for (i, view) in app.computed.views.iter().enumerate() {
        let start = starts[i];
        let end = start + 1 + rows[i];
        if end <= scroll || start >= scroll + height {
            continue;
        }
        if start >= scroll {
            let selected = i == app.stage_cursor;
            let style = if selected && focused {
                Style::default()
                    .fg(Color::Black)
                    .bg(ACCENT)
                    .add_modifier(Modifier::BOLD)
            } else if selected {
                Style::default().fg(ACCENT).add_modifier(Modifier::BOLD)
            } else {
                Style::default().add_modifier(Modifier::BOLD)
            };
            let marker = if selected { "▸ " } else { "  " };
            let header: String = view
                .header
                .chars()
                .take(inner_width.saturating_sub(2))
                .collect();
            let cut = if header.chars().count() < view.header.chars().count() {
                "…"
            } else {
                ""
            };
            lines.push(Line::from(vec![
                Span::styled(marker, style),
                Span::styled(format!("{header}{cut}"), style),
            ]));
        }
        let skip = scroll.saturating_sub(start + 1);
        let room = height - lines.len().min(height);
        for line in view.lines(content_width, skip, room) {
            let mut spans = vec![Span::raw("  ")];
            spans.extend(line.spans);
            lines.push(Line::from(spans));
        }
    }
    if placement_start + placement.len() > scroll {
        let skip = scroll.saturating_sub(placement_start);
        let room = height.saturating_sub(lines.len());
        lines.extend(placement.into_iter().skip(skip).take(room));
    }
    lines.truncate(height);

    let mut title = if total > height {
        format!(
            "Stages · rows {}–{} of {}",
            scroll + 1,
            (scroll + height).min(total),
            total
        )
    } else {
        "Stages".to_string()
    };
    if app.catching_up() {
        title.push_str(" · catching up…");
    }
    frame.render_widget(Paragraph::new(lines).block(pane(title, focused)), area);
    if total > height {
        let mut state = ScrollbarState::new(max_scroll + 1).position(scroll);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight),
            area.inner(ratatui::layout::Margin {
                vertical: 1,
                horizontal: 0,
            }),
            &mut state,
        );
    }
}

/// Where the signature goes, as lines (long values wrapped, never cut).
fn placement_lines(trace: &sign::Trace, width: usize) -> Vec<Line<'static>> {
    let p = &trace.placement;
    let mut lines = Vec::new();
    if p.headers.is_empty() && p.query.is_empty() && p.body_members.is_empty() {
        return lines;
    }
    lines.push(Line::from(Span::styled(
        "── sent as ──",
        Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
    )));
    let mut push = |label: String, value: &str| {
        let text = format!("{label}{value}");
        let chars: Vec<char> = text.chars().collect();
        for (i, chunk) in chars.chunks(width.max(8)).enumerate() {
            let s: String = chunk.iter().collect();
            if i == 0 {
                let split = label.chars().count().min(s.chars().count());
                let (l, v) = s.split_at(s.char_indices().nth(split).map_or(s.len(), |(b, _)| b));
                lines.push(Line::from(vec![
                    Span::styled(l.to_string(), Style::default().fg(Color::Green)),
                    Span::raw(v.to_string()),
                ]));
            } else {
                lines.push(Line::from(s));
            }
        }
    };
    for (n, v) in &p.query {
        push(format!("?{n}="), v);
    }
    for (n, v) in &p.headers {
        push(format!("{n}: "), v);
    }
    for (n, v) in &p.body_members {
        push(format!("body \"{n}\": "), v);
    }
    lines
}

/// What the expected-signature pane says under its editor: the verdict and the age line.
fn expected_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let expected_text = app.expected.lines().concat();
    let comparison = app
        .computed
        .result
        .as_ref()
        .ok()
        .filter(|_| !expected_text.trim().is_empty())
        .map(|t| sign::compare(app.recipe(), t.signature(), &expected_text));
    let mut lines = Vec::new();
    let signature = app
        .computed
        .result
        .as_ref()
        .map(|t| t.signature_text())
        .unwrap_or_default();
    match &comparison {
        None => {}
        Some(Comparison::Match) => lines.push(Line::from(Span::styled(
            "✓ match",
            Style::default()
                .fg(Color::Green)
                .add_modifier(Modifier::BOLD),
        ))),
        Some(Comparison::Equivalent(why)) => lines.push(Line::from(vec![
            Span::styled(
                "✓ match",
                Style::default()
                    .fg(Color::Green)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!(" · {why}"), Style::default().fg(Color::Green)),
        ])),
        Some(Comparison::Mismatch {
            at,
            computed_len,
            expected_len,
        }) => {
            lines.push(Line::from(Span::styled(
                format!(
                    "✗ mismatch at character {} (lengths {computed_len}, {expected_len})",
                    at + 1
                ),
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            )));
            let expected_text = app.expected.lines().concat();
            let expected_text = expected_text.trim();
            let room = width.saturating_sub(12);
            lines.push(diff_line("computed  ", &signature, *at, room));
            lines.push(diff_line("expected  ", expected_text, *at, room));
        }
    }
    if let Some((text, ok)) = app.age_line() {
        let color = if ok { Color::Green } else { Color::Yellow };
        lines.push(Line::from(Span::styled(text, Style::default().fg(color))));
    }
    // Opened from a bundle: what its fingerprints say of this trace.
    if let (Some(bundle), Ok(trace)) = (&app.bundle, &app.computed.result) {
        let verdict = bundle.verdict(trace);
        let color = if bundle.differing_stages(trace).is_empty() {
            Color::Green
        } else {
            Color::Yellow
        };
        lines.push(Line::from(Span::styled(
            format!("bundle: {verdict}"),
            Style::default().fg(color),
        )));
    }
    lines
}

fn draw_expected(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    lines: Vec<Line<'static>>,
    areas: &mut Areas,
) {
    let block = pane(
        "Expected signature".to_string(),
        app.focus == Focus::Expected,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    areas.expected = area;
    let [editor, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    frame.render_widget(&app.expected, editor);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), rest);
}

/// One side of a mismatch, scrolled so the first difference shows, highlighted.
fn diff_line(label: &'static str, text: &str, at: usize, room: usize) -> Line<'static> {
    let chars: Vec<char> = text.chars().collect();
    let start = at
        .saturating_sub(room / 2)
        .min(chars.len().saturating_sub(room.min(chars.len())));
    let end = (start + room).min(chars.len());
    let before: String = chars[start..at.min(end)].iter().collect();
    let diff: String = chars.get(at).map_or("∅".to_string(), |c| c.to_string());
    let after: String = chars
        .get(at + 1..end.max(at + 1))
        .map_or(String::new(), |s| s.iter().collect());
    Line::from(vec![
        Span::styled(label, Style::default().fg(Color::Gray)),
        Span::raw(if start > 0 {
            format!("…{before}")
        } else {
            before
        }),
        Span::styled(
            diff,
            Style::default()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(if end < chars.len() {
            format!("{after}…")
        } else {
            after
        }),
    ])
}

fn draw_status(app: &App, frame: &mut Frame, area: Rect) {
    let (text, style) = match app.fresh_status() {
        Some(s) => (
            s.text.clone(),
            Style::default().fg(if s.error { Color::Red } else { Color::Green }),
        ),
        None => (
            app.recipe().description.clone(),
            Style::default().fg(Color::DarkGray),
        ),
    };
    // One row: a longer message ends in an ellipsis rather than being cut without a sign.
    let text = fit(&text, area.width as usize);
    frame.render_widget(Paragraph::new(Span::styled(text, style)), area);
}

/// The main keys, as many whole ones as fit; F1 (help lists the rest) always shows.
/// The key hints, in the widest form that fits: every key with its words; then shorter words
/// (`F5 hdrs`); then the function keys alone, with F1 to say what they do. F1 help is always
/// there, last.
fn draw_footer(frame: &mut Frame, area: Rect) {
    let room = area.width as usize;
    let items = keys::footer();
    let short = |key: &'static str, word: &'static str| -> (&'static str, &'static str) {
        let key = if key == "Ctrl-C" { "^C" } else { key };
        // `F11 / Alt-L`: the F-key (the help names the other).
        let key = key.split(" / ").next().unwrap_or(key);
        let word = match word {
            "copy headers" => "hdrs",
            "copy stage" => "stage",
            "request" => "req",
            "diagnose" => "diag",
            "copy as" => "copy",
            "reveal" => "show",
            w => w,
        };
        (key, word)
    };
    let full: Vec<(&str, String)> = items
        .iter()
        .map(|&(k, w)| (k.split(" / ").next().unwrap_or(k), format!(" {w}  ")))
        .collect();
    let compact: Vec<(&str, String)> = items
        .iter()
        .filter(|(k, _)| *k != "Tab")
        .map(|&(k, w)| {
            let (k, w) = short(k, w);
            (k, format!(" {w} "))
        })
        .collect();
    let keys_only: Vec<(&str, String)> = items
        .iter()
        .filter(|(k, _)| *k != "Tab")
        .map(|&(k, w)| {
            let (k, w) = short(k, w);
            let word = if k.starts_with('F') && k != "F1" {
                " ".to_string()
            } else {
                format!(" {w} ")
            };
            (k, word)
        })
        .collect();
    // The columns a form takes, without the gap after its last hint.
    let width = |list: &[(&str, String)]| -> usize {
        let gap = list.last().map_or(0, |(_, w)| w.len() - w.trim_end().len());
        list.iter()
            .map(|(k, w)| k.chars().count() + w.chars().count())
            .sum::<usize>()
            - gap
    };
    // Where the compact form does not fit (80 columns), it goes without the wire's keys (F11,
    // F12; the help lists them) before it goes without words.
    let without_wire: Vec<(&str, String)> = compact
        .iter()
        .filter(|(k, _)| !matches!(*k, "F11" | "F12"))
        .cloned()
        .collect();
    let chosen = [full, compact, without_wire]
        .into_iter()
        .find(|l| width(l) <= room)
        .unwrap_or(keys_only);
    // Help last, whatever the order of the bindings.
    let (mut rest, help): (Vec<_>, Vec<_>) = chosen.into_iter().partition(|(k, _)| *k != "F1");
    rest.extend(help);
    let mut spans = Vec::new();
    for (key, word) in rest {
        spans.push(Span::styled(
            key,
            Style::default().fg(Color::Black).bg(Color::Gray),
        ));
        spans.push(Span::raw(
            word.trim_end().to_string() + if word.ends_with("  ") { "  " } else { " " },
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn draw_picker(app: &App, frame: &mut Frame, area: Rect) {
    let matches = app.picker_matches();
    let picker = app.picker.as_ref().expect("drawn only when open");
    let rect = centered(area, 76, (matches.len() as u16 * 2 + 4).max(7));
    frame.render_widget(Clear, rect);
    let block = pane(
        "Scheme, profile or session · type to search · Enter opens · Esc closes".to_string(),
        true,
    );
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut lines = vec![Line::from(vec![
        Span::styled("search: ", Style::default().fg(Color::Gray)),
        Span::styled(
            picker.query.clone(),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::styled("▏", Style::default().fg(ACCENT)),
    ])];
    if matches.is_empty() {
        lines.push(Line::from(Span::styled(
            "no scheme matches",
            Style::default().fg(Color::Red),
        )));
    }
    let cursor = picker.cursor.min(matches.len().saturating_sub(1));
    for (i, &pick) in matches.iter().enumerate() {
        let style = if i == cursor {
            Style::default().fg(Color::Black).bg(ACCENT)
        } else {
            Style::default()
        };
        let (head, detail) = match pick {
            Pick::Scheme(index) => {
                let r = &app.recipes[index];
                let current = if index == app.current {
                    " (current)"
                } else {
                    ""
                };
                (
                    format!("{:18} {}{current}", r.id, r.name),
                    r.description.clone(),
                )
            }
            Pick::Extra(index) => {
                let e = &app.extras[index];
                (format!("{:18} {}", e.title, e.scheme), e.detail.clone())
            }
        };
        lines.push(Line::from(Span::styled(
            head,
            style.add_modifier(Modifier::BOLD),
        )));
        lines.push(Line::from(Span::styled(
            format!("{:18} {detail}", ""),
            Style::default().fg(Color::Gray),
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Words wrapped to lines of at most `width` characters (a longer word has a line of its own).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// The scheme's own words, first in the help: its source, its notes (the traps of its
/// documents), and what each field and variant means.
fn scheme_help(app: &App, width: usize) -> Vec<Line<'static>> {
    let recipe = app.recipe();
    let head = Style::default().fg(ACCENT).add_modifier(Modifier::BOLD);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(Span::styled(
        format!("This scheme: {} · {}", recipe.id, recipe.name),
        head,
    ))];
    let indent = 12;
    let text_width = width.saturating_sub(indent + 2).max(20);
    let item = |label: String, text: &str, lines: &mut Vec<Line<'static>>| {
        // A name longer than the label column has a line of its own.
        let long = label.chars().count() > indent - 3;
        if long {
            lines.push(Line::from(Span::styled(format!("  {label}"), bold)));
        }
        for (i, l) in wrap_words(&printable(text), text_width)
            .into_iter()
            .enumerate()
        {
            let left = if i == 0 && !long {
                label.clone()
            } else {
                String::new()
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {left:w$}", w = indent - 2), bold),
                Span::raw(l),
            ]));
        }
    };
    if !recipe.description.is_empty() {
        item("recipe".into(), &recipe.description, &mut lines);
    }
    if let Some(source) = &recipe.source {
        item("source".into(), source, &mut lines);
    }
    for note in &recipe.notes {
        item("note".into(), &format!("• {note}"), &mut lines);
    }
    for f in &recipe.fields {
        let text = match &f.help {
            Some(h) => format!("{}: {h}", f.label),
            None => f.label.clone(),
        };
        item(f.name.clone(), &text, &mut lines);
    }
    for v in &recipe.variants {
        let text = format!(
            "{} ({})",
            v.help.as_deref().unwrap_or("a variant"),
            v.choices.join(" | ")
        );
        item(v.name.clone(), &text, &mut lines);
    }
    lines
}

/// Text cut to `room` characters, with `…` where it was cut.
fn fit(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(room.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

fn printable(text: &str) -> String {
    crate::sign::visible::printable(text).into_owned()
}

fn draw_help(app: &App, frame: &mut Frame, area: Rect) {
    let mut lines = scheme_help(app, area.width.min(100) as usize);
    for scope in [
        Scope::Global,
        Scope::Variants,
        Scope::Stages,
        Scope::Picker,
        Scope::CopyMenu,
        Scope::Help,
    ] {
        lines.push(Line::from(Span::styled(
            scope.title(),
            Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
        )));
        for b in keys::BINDINGS.iter().filter(|b| b.scope == scope) {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:24}", b.keys_label),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(b.help),
            ]));
        }
    }
    lines.push(Line::from(Span::styled(
        "Editors",
        Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
    )));
    for (k, what) in [
        ("Ctrl-Z / Ctrl-U, Ctrl-R", "undo, redo"),
        (
            "arrows, Home, End",
            "move; Ctrl-A / Ctrl-E: start / end of line",
        ),
        (
            "Ctrl-K, Ctrl-W",
            "delete to the end of the line, delete a word",
        ),
        (
            "paste (terminal)",
            "bracketed paste inserts text as one edit",
        ),
        ("Enter in a field", "next field (fields are one line)"),
        (
            "a body over 64 KiB",
            "lighter editor: arrows, PgUp/PgDn, Ctrl-Z/R",
        ),
        ("mouse", "a click focuses a pane; wheel scrolls stages"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {k:24}"),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(what),
        ]));
    }
    let rect = centered(area, 100, lines.len() as u16 + 2);
    let room = rect.height.saturating_sub(2) as usize;
    let max_scroll = lines.len().saturating_sub(room);
    let scroll = app.help_scroll.get().min(max_scroll);
    app.help_scroll.set(scroll);
    app.help_page.set(room);
    let title = if max_scroll > 0 {
        format!(
            "Keys · lines {}–{} of {} · Up/Down/PgUp/PgDn · F1 or Esc closes",
            scroll + 1,
            scroll + room,
            lines.len()
        )
    } else {
        "Keys · F1 or Esc closes".to_string()
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(pane(title, true))
            .scroll((scroll as u16, 0)),
        rect,
    );
}

/// The key pane's title: how many bytes the key is (masked characters count), how it is read,
/// what a reader cannot see in it, masked or shown, and its label.
fn key_title(app: &App, label: &str) -> String {
    let written = app.inputs.key.bytes();
    let encoding = app.key_encoding;
    let mut parts = vec!["Key".to_string()];
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
