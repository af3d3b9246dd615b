//! Where two stages' bytes part, shown as three lines (ours, theirs, a caret), with invisible
//! bytes marked and secrets masked: what diagnose and the server-string comparison print.

use super::engine::Stage;
use super::visible;

/// Where two strings to sign part, as three lines: ours, theirs, and a caret with the byte
/// offset; invisible bytes shown and the key masked. About 24 bytes of context either side.
pub fn byte_diff(ours: &Stage, theirs: &Stage) -> Option<Vec<String>> {
    if ours.bytes == theirs.bytes {
        return None;
    }
    // The comparison is made with the key masked on both sides, so that a key of another
    // length does not put the first difference (and the caret) inside `‹key›`.
    let (a, a_secret, a_map) = masked(ours);
    let (b, b_secret, _) = masked(theirs);
    let (a, b) = (&a, &b);
    if a == b {
        return Some(vec![format!(
            "yours and theirs differ only inside {}: the key, or its length, differs",
            visible::MASK
        )]);
    }
    let prefix = a.iter().zip(b.iter()).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    let from = char_start(a, prefix.saturating_sub(24));
    let (line_a, caret) = window(a, &a_secret, from, prefix, a.len() - suffix);
    let (line_b, _) = window(b, &b_secret, from, prefix, b.len() - suffix);
    Some(vec![
        format!("yours:  {line_a}"),
        format!("theirs: {line_b}"),
        format!("        {}^ byte {}", " ".repeat(caret), a_map(prefix)),
    ])
}

/// A stage's bytes with each key range replaced by the mask's bytes, the ranges of the masks,
/// and a map from an offset in the masked bytes back to the stage's own (outside the masks).
fn masked(
    stage: &Stage,
) -> (
    Vec<u8>,
    Vec<std::ops::Range<usize>>,
    impl Fn(usize) -> usize + use<>,
) {
    let mut spans = stage.secret.clone();
    spans.sort_by_key(|r| r.start);
    let mut out = Vec::with_capacity(stage.bytes.len());
    let mut ranges = Vec::new();
    // (offset in the masked bytes where a stretch of the stage's own bytes starts, its own offset)
    let mut stretches = vec![(0usize, 0usize)];
    let mut at = 0;
    for r in spans {
        if r.start < at || r.end > stage.bytes.len() {
            continue;
        }
        out.extend_from_slice(&stage.bytes[at..r.start]);
        let start = out.len();
        out.extend_from_slice(visible::MASK.as_bytes());
        ranges.push(start..out.len());
        at = r.end;
        stretches.push((out.len(), at));
    }
    out.extend_from_slice(&stage.bytes[at..]);
    let map = move |masked_at: usize| {
        let (m, own) = stretches
            .iter()
            .rev()
            .find(|(m, _)| *m <= masked_at)
            .copied()
            .unwrap_or((0, 0));
        own + (masked_at - m)
    };
    (out, ranges, map)
}

/// Moves an offset back to the start of a UTF-8 character.
fn char_start(bytes: &[u8], mut at: usize) -> usize {
    while at > 0 && at < bytes.len() && bytes[at] & 0xc0 == 0x80 {
        at -= 1;
    }
    at
}

/// `bytes[from..end + 24]` made visible, and the column at which byte `at` is shown.
fn window(
    bytes: &[u8],
    secret: &[std::ops::Range<usize>],
    from: usize,
    at: usize,
    end: usize,
) -> (String, usize) {
    let to = char_start(bytes, (end + 24).min(bytes.len())).max(at.min(bytes.len()));
    let to = if to < end { end } else { to };
    let shifted: Vec<std::ops::Range<usize>> = secret
        .iter()
        .filter(|r| r.end > from && r.start < to)
        .map(|r| r.start.max(from) - from..r.end.min(to) - from)
        .collect();
    let shown = |upto: usize| -> String {
        let part = &bytes[from..upto];
        visible::segments(
            part,
            &shifted
                .iter()
                .filter(|r| r.start < upto - from)
                .map(|r| r.start..r.end.min(upto - from))
                .collect::<Vec<_>>(),
            false,
        )
        .iter()
        .map(|s| s.shown(part))
        .collect()
    };
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < bytes.len() { "…" } else { "" };
    let caret = lead.chars().count() + shown(at.min(to)).chars().count();
    (format!("{lead}{}{tail}", shown(to)), caret)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn the_diff_shows_where_the_strings_part() {
        let stage = |bytes: &[u8]| Stage {
            name: "canonical".into(),
            how: String::new(),
            bytes: bytes.to_vec(),
            secret: vec![],
            streamed: None,
            raw: false,
        };
        let ours = stage(
            b"0123456789012345678901234567890123456789/path?q=1 and then some more text here",
        );
        let theirs =
            stage(b"0123456789012345678901234567890123456789/pathq=1 and then some more text here");
        let lines = byte_diff(&ours, &theirs).unwrap();
        // 24 bytes of context before byte 45, and 24 after each side's differing part.
        assert_eq!(
            lines[0],
            "yours:  \u{2026}1234567890123456789/path?q=1 and then some more t\u{2026}"
        );
        assert_eq!(
            lines[1],
            "theirs: \u{2026}1234567890123456789/pathq=1 and then some more t\u{2026}"
        );
        assert_eq!(lines[2], format!("        {}^ byte 45", " ".repeat(25)));
        let crlf = byte_diff(&stage(b"a\nb"), &stage(b"a\r\nb")).unwrap();
        assert_eq!(
            crlf,
            ["yours:  a\\nb", "theirs: a\\r\\nb", "         ^ byte 1"]
        );
    }

    #[test]
    fn the_caret_never_points_inside_the_key() {
        // huawei-tenant's canonical starts with the key: theirs has a key one byte longer.
        let stage = |bytes: &[u8], key: usize| Stage {
            name: "canonical".into(),
            how: String::new(),
            bytes: bytes.to_vec(),
            secret: std::iter::once(0..key).collect(),
            streamed: None,
            raw: false,
        };
        let lines = byte_diff(&stage(b"KEY1nonce-a", 4), &stage(b"KEY12nonce-b", 5)).unwrap();
        assert_eq!(
            lines,
            [
                "yours:  \u{2039}key\u{203a}nonce-a",
                "theirs: \u{2039}key\u{203a}nonce-b",
                "                   ^ byte 10",
            ]
        );
        let only_key = byte_diff(&stage(b"KEY1nonce", 4), &stage(b"KEY12nonce", 5)).unwrap();
        assert_eq!(only_key.len(), 1);
        assert!(only_key[0].contains("differ only inside"), "{only_key:?}");
    }
}
