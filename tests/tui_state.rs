//! The TUI's state and update logic, driven by key events without a terminal. Expected values
//! come from the shared vectors and the seed pages, or from HMAC computed here directly.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use sha2::Sha256;
use sigscope::sign::builtin;
use sigscope::tui::app::{App, Editor, Effect, Focus, Prefill};

const NOW: i64 = 1_716_363_800_000;

mod common;

use common::{ctrl, key, screen, signature, tpns_sign, type_text, vector};

fn app(scheme: &str) -> App {
    common::app(scheme, NOW)
}

fn body_text(app: &App) -> String {
    String::from_utf8(app.inputs.body.bytes()).unwrap()
}

#[test]
fn starts_on_the_example_with_its_documented_signature() {
    let app = app("tpns");
    assert_eq!(signature(&app), vector("TP-1").signature);
    assert_eq!(app.focus, Focus::Body);
}

#[test]
fn typing_in_the_body_re_signs_on_every_keystroke() {
    let mut app = app("tpns");
    let v = vector("TP-1");
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::End,
        KeyModifiers::CONTROL,
    )));
    let before = body_text(&app);
    type_text(&mut app, "\n ");
    let after = body_text(&app);
    assert_eq!(after, format!("{before}\n "));
    assert_eq!(
        signature(&app),
        tpns_sign(&v.key, "1565314789", "1500001048", &after)
    );
    // Undo takes the last edit back, and the documented signature returns.
    app.handle(ctrl('z'));
    app.handle(ctrl('z'));
    assert_eq!(body_text(&app), before);
    assert_eq!(signature(&app), v.signature);
}

#[test]
fn a_variant_toggle_gives_the_variant_vector() {
    let mut app = app("tpns");
    while app.focus != Focus::Variants {
        app.handle(key(KeyCode::Tab));
    }
    // output: base64-of-hex -> base64
    app.handle(key(KeyCode::Right));
    assert_eq!(signature(&app), vector("TP-V1").signature);
    app.handle(key(KeyCode::Down));
    app.handle(key(KeyCode::Char(' ')));
    assert_eq!(app.inputs.choices["hex_case"], "upper");
}

#[test]
fn invalid_json_shows_the_parser_place_and_keeps_the_text() {
    let mut app = app("linksfield");
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::End,
        KeyModifiers::CONTROL,
    )));
    type_text(&mut app, ",,");
    let err = app.computed.result.as_ref().unwrap_err();
    assert!(
        err.starts_with("body: invalid JSON at line 1, column 1"),
        "{err}"
    );
    assert!(
        body_text(&app).ends_with("}\",,") || body_text(&app).ends_with("},,"),
        "{}",
        body_text(&app)
    );
    // Fixing the text brings the trace back.
    app.handle(key(KeyCode::Backspace));
    app.handle(key(KeyCode::Backspace));
    assert_eq!(signature(&app), vector("LF-1").signature);
}

#[test]
fn the_key_is_masked_in_stages_until_revealed() {
    use sigscope::tui::stages::Content;
    let mut app = app("huawei-tenant");
    let canonical = app
        .computed
        .views
        .iter()
        .find(|v| v.name == "canonical")
        .unwrap();
    let Content::Text(bytes, segs) = &canonical.content else {
        panic!("text")
    };
    let shown: String = segs.iter().map(|s| s.shown(bytes)).collect();
    assert!(shown.starts_with("‹key›50D83FDE"), "{shown}");
    assert!(!shown.contains(&vector("HW-C1").key));
    app.handle(key(KeyCode::F(2)));
    let canonical = app
        .computed
        .views
        .iter()
        .find(|v| v.name == "canonical")
        .unwrap();
    let Content::Text(bytes, segs) = &canonical.content else {
        panic!("text")
    };
    let shown: String = segs.iter().map(|s| s.shown(bytes)).collect();
    assert!(shown.starts_with(&vector("HW-C1").key));
}

#[test]
fn copy_keys_yield_copy_effects() {
    let mut app = app("tpns");
    let effects = app.handle(key(KeyCode::F(5)));
    let [Effect::Copy { text, what }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    // The Sign, AccessId and TimeStamp lines of the seed page's HTTP example.
    assert!(text.starts_with(&format!(
        "Sign: {}\nAccessId: 1500001048\nTimeStamp: 1565314789\n",
        vector("TP-1").signature
    )));
    assert_eq!(what, "4 header lines");
    // F6: the selected stage; the MAC is raw and goes as hex (the doc's hashcode).
    while app.focus != Focus::Stages {
        app.handle(key(KeyCode::Tab));
    }
    app.handle(key(KeyCode::Down));
    let effects = app.handle(key(KeyCode::F(6)));
    assert_eq!(
        effects,
        [Effect::Copy {
            text: "cd20774682bf78bfdb43e17d1d5d56b3e5b789a1670fc1527ef54c65d2d7b76d".into(),
            what: "stage `mac` as hex".into()
        }]
    );
    app.copied("stage `mac` as hex", Err("no clipboard".into()));
    assert!(app.status.as_ref().unwrap().error);
}

#[test]
fn copying_a_stage_with_the_key_masks_it() {
    let mut app = app("huawei-basic");
    while app.focus != Focus::Stages {
        app.handle(key(KeyCode::Tab));
    }
    while app.computed.views[app.stage_cursor].name != "canonical" {
        app.handle(key(KeyCode::Down));
    }
    let effects = app.handle(key(KeyCode::F(6)));
    let [Effect::Copy { text, .. }] = effects.as_slice() else {
        panic!()
    };
    assert!(
        text.starts_with("‹key›RLLUammMSInlrNWb1716363778801"),
        "{text}"
    );
}

#[test]
fn expected_signature_match_and_accepted_case() {
    use sigscope::sign::{Comparison, compare};
    let mut app = app("huawei-tenant");
    while app.focus != Focus::Expected {
        app.handle(key(KeyCode::Tab));
    }
    // The upper-case form, as the seed page prints x-sign.
    app.handle(Event::Paste(vector("HW-C1").signature.to_uppercase()));
    let expected = app.expected.lines().concat();
    let trace = app.computed.result.as_ref().unwrap();
    assert!(matches!(
        compare(app.recipe(), trace.signature(), &expected),
        Comparison::Equivalent(_)
    ));
}

#[test]
fn ctrl_c_quits_from_an_editor_and_help_is_an_overlay() {
    let mut app = app("tpns");
    assert_eq!(app.handle(ctrl('c')), [Effect::Quit]);
    app.handle(key(KeyCode::F(1)));
    assert!(app.help_open());
    // Typing while the help is open does not reach the body.
    let before = body_text(&app);
    type_text(&mut app, "x");
    assert_eq!(body_text(&app), before);
    app.handle(key(KeyCode::Esc));
    assert!(!app.help_open());
    assert_eq!(app.handle(ctrl('c')), [Effect::Quit]);
}

#[test]
fn typing_never_triggers_a_global_action() {
    let mut app = app("tpns");
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::End,
        KeyModifiers::CONTROL,
    )));
    let before = body_text(&app);
    let all: String = (' '..='~').collect();
    for c in all.chars() {
        let effects = app.handle(key(KeyCode::Char(c)));
        assert!(effects.is_empty(), "{c:?} gave {effects:?}");
    }
    assert_eq!(body_text(&app), format!("{before}{all}"));
    assert!(app.picker().is_none() && !app.help_open() && !app.reveal);
}

#[test]
fn now_and_new_nonce_fill_fields_in_their_unit() {
    let mut app = app("huawei-basic");
    app.handle(key(KeyCode::F(3)));
    let fields: BTreeMap<_, _> = app.computed.result.as_ref().unwrap().fields.clone();
    assert_eq!(fields["timestamp"], NOW.to_string());
    assert_eq!(fields["nonce"].len(), 16);
    let mut app = self::app("etower");
    app.handle(key(KeyCode::F(3)));
    let date = &app.computed.result.as_ref().unwrap().fields["date"];
    assert_eq!(date, "Wed, 22 May 2024 07:43:20 GMT");
    let (line, accepted) = app.age_line().unwrap();
    assert!(accepted, "{line}");
}

#[test]
fn the_picker_switches_schemes_and_keeps_edits() {
    let mut app = app("tpns");
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::End,
        KeyModifiers::CONTROL,
    )));
    type_text(&mut app, " ");
    let edited = body_text(&app);
    app.handle(key(KeyCode::F(4)));
    type_text(&mut app, "money");
    app.handle(key(KeyCode::Enter));
    assert_eq!(app.recipe().id, "moneyhoney");
    assert_eq!(signature(&app), vector("HM-2").signature);
    app.handle(key(KeyCode::F(4)));
    type_text(&mut app, "tpns");
    app.handle(key(KeyCode::Enter));
    assert_eq!(app.recipe().id, "tpns");
    assert_eq!(body_text(&app), edited);
}

#[test]
fn pasting_keeps_crlf_and_a_field_stays_one_line() {
    let mut app = app("tpns");
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::End,
        KeyModifiers::CONTROL,
    )));
    let before = body_text(&app);
    app.handle(Event::Paste("a\r\nb".into()));
    assert_eq!(body_text(&app), format!("{before}a\r\nb"));
    app.handle(key(KeyCode::Tab)); // expected
    app.handle(key(KeyCode::Tab)); // stages
    app.handle(key(KeyCode::Tab)); // first field
    assert_eq!(app.focus, Focus::Field(0));
    app.handle(Event::Paste("12\n34".into()));
    // A field cannot hold a line end: nothing is pasted, and the status line says why.
    assert_eq!(
        app.computed.result.as_ref().unwrap().fields["access_id"],
        "1500001048"
    );
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .starts_with("a field holds one line")
    );
    app.handle(Event::Paste("12".into()));
    assert_eq!(
        app.computed.result.as_ref().unwrap().fields["access_id"],
        "121500001048"
    );
}

#[test]
fn pasted_bytes_are_kept_as_they_came() {
    let mut app = app("tpns");
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::End,
        KeyModifiers::CONTROL,
    )));
    let before = body_text(&app);
    // A NUL stays a NUL (it used to become CRLF); a lone CR stays a CR (it used to become LF).
    app.handle(Event::Paste("a\0b\rc".into()));
    assert_eq!(body_text(&app), format!("{before}a\0b\rc"));
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("kept as they came")
    );
}

#[test]
fn a_field_value_with_a_line_end_signs_as_given() {
    // `--set access_id=$'15000\n01048'`: the TUI signs the same bytes as `sign`.
    let recipes = builtin::all().unwrap();
    let current = recipes.iter().position(|r| r.id == "tpns").unwrap();
    let mut prefill = Prefill::example(&recipes[current]);
    prefill
        .fields
        .insert("access_id".into(), "15000\n01048".into());
    let app = App::new(
        recipes,
        current,
        &prefill,
        None,
        1_700_000_000_000,
        Box::new(|b: &mut [u8]| b.fill(1)),
    );
    assert_eq!(
        app.computed.result.as_ref().unwrap().fields["access_id"],
        "15000\n01048"
    );
}

/// A left click at a cell.
fn click(x: u16, y: u16) -> Event {
    use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    })
}

#[test]
fn a_click_focuses_the_pane_under_it() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut app = app("tpns");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|f| sigscope::tui::view::draw(&mut app, f))
        .unwrap();
    let areas = app.view.areas.clone();
    app.handle(click(areas.key.x + 2, areas.key.y + 1));
    assert_eq!(app.focus, Focus::Key);
    app.handle(click(areas.stages.x + 5, areas.stages.y + 3));
    assert_eq!(app.focus, Focus::Stages);
    app.handle(click(areas.fields[1].x + 1, areas.fields[1].y));
    assert_eq!(app.focus, Focus::Field(1));
    // The title opens the scheme picker.
    app.handle(click(2, 0));
    assert!(app.picker().is_some());
}

/// Found by the tui fuzz target: a click that comes after a switch to a scheme with fewer fields,
/// before the next frame, used the last frame's panes (the other scheme's field rows), focused a
/// field the new scheme does not have, and the next key panicked. It now hits nothing until the
/// new scheme's frame is drawn.
#[test]
fn a_click_before_the_next_frame_after_a_scheme_switch_hits_nothing() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut app = app("azure-sas");
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    terminal
        .draw(|f| sigscope::tui::view::draw(&mut app, f))
        .unwrap();
    let fields = app.view.areas.fields.clone();
    let last = fields
        .iter()
        .rposition(|r| r.height > 0)
        .expect("a field row drawn");
    assert!(last >= 2, "azure-sas shows several field rows at 160x48");
    app.handle(key(KeyCode::F(4)));
    type_text(&mut app, "asana");
    app.handle(key(KeyCode::Enter));
    assert_eq!(app.recipe().id, "asana");
    assert!(app.recipe().fields.len() <= last);
    let before = app.focus;
    app.handle(click(fields[last].x + 1, fields[last].y));
    assert_eq!(
        app.focus, before,
        "the old frame's field row is not asana's"
    );
    type_text(&mut app, "x");
    // Once asana's frame is drawn, its own rows take clicks.
    terminal
        .draw(|f| sigscope::tui::view::draw(&mut app, f))
        .unwrap();
    let first = app.view.areas.fields[0];
    app.handle(click(first.x + 1, first.y));
    assert_eq!(app.focus, Focus::Field(0));
}

#[test]
fn a_large_body_is_edited_exactly_and_undone() {
    // Over 64 KiB the body goes to the large-text editor; edits and undo must stay byte-exact.
    let recipes = builtin::all().unwrap();
    let current = recipes.iter().position(|r| r.id == "tpns").unwrap();
    let mut prefill = Prefill::example(&recipes[current]);
    let body = format!("{{\"data\": \"{}\"}}\r\n", "x".repeat(100 * 1024));
    prefill.body = body.clone().into_bytes();
    let mut app = App::new(
        recipes,
        current,
        &prefill,
        None,
        NOW,
        Box::new(|b: &mut [u8]| b.fill(0)),
    );
    assert!(matches!(app.inputs.body, Editor::Big(_)));
    let v = vector("TP-1");
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::End,
        KeyModifiers::CONTROL,
    )));
    type_text(&mut app, "é\t");
    app.handle(Event::Paste("a\r\nb".into()));
    let edited = format!("{body}é\ta\r\nb");
    assert_eq!(body_text(&app), edited);
    // A body this large is signed on the signing thread: the stages catch up.
    assert!(app.catching_up());
    app.settle();
    assert!(!app.catching_up());
    assert_eq!(
        signature(&app),
        tpns_sign(&v.key, "1565314789", "1500001048", &edited)
    );
    for _ in 0..3 {
        app.handle(ctrl('z'));
    }
    assert_eq!(body_text(&app), body);
    app.settle();
    assert_eq!(
        signature(&app),
        tpns_sign(&v.key, "1565314789", "1500001048", &body)
    );
}

#[test]
fn a_paste_that_makes_the_body_large_keeps_it_exact() {
    let mut app = app("tpns");
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::End,
        KeyModifiers::CONTROL,
    )));
    let before = body_text(&app);
    let big = "y".repeat(70 * 1024);
    app.handle(Event::Paste(big.clone()));
    assert!(matches!(app.inputs.body, Editor::Big(_)));
    type_text(&mut app, "z");
    assert_eq!(body_text(&app), format!("{before}{big}z"));
}

#[test]
fn a_pasted_request_fills_the_inputs_and_diagnose_explains_it() {
    // The seed page's TPNS request, its body with CRLF line ends where the example has none,
    // signed (here, with HMAC directly) as a signer who sent those bytes.
    let v = vector("TP-1");
    let body = "{\r\n\"a\": 1\r\n}";
    let sign = tpns_sign(
        &v.key,
        "1565314789",
        "1500001048",
        body.replace("\r\n", "\n"),
    );
    let raw = format!(
        "POST /v3/push/app HTTP/1.1\r\nHost: api.tpns.tencent.com\r\nAccessId: 1500001048\r\nTimeStamp: 1565314789\r\nSign: {sign}\r\n\r\n{body}"
    );
    let mut app = app("tpns");
    app.handle(key(KeyCode::F(7)));
    assert!(app.request_box().is_some());
    app.handle(Event::Paste(raw));
    app.handle(key(KeyCode::F(7)));
    assert!(app.request_box().is_none(), "{:?}", app.status);
    assert_eq!(body_text(&app), body);
    assert_eq!(app.expected.lines().concat(), sign);
    let effects = app.handle(key(KeyCode::F(8)));
    wait_for_diagnosis(&mut app, effects);
    let d = app.diagnosis.clone().unwrap().join("\n");
    assert!(d.contains("Explained by 1 difference"), "{d}");
    assert!(d.contains("the signer's body had LF line endings"), "{d}");
    // Any edit clears the diagnosis.
    type_text(&mut app, "x");
    assert!(app.diagnosis.is_none());
}

#[test]
fn a_crlf_request_pasted_through_tmux_reads_its_headers() {
    // tmux's paste-buffer turns each LF into CR: a CRLF request arrives with CR CR line ends.
    let v = vector("TP-1");
    let body = "{\"a\":1}";
    let sign = tpns_sign(&v.key, "1565314789", "1500001048", body);
    let crlf = format!(
        "POST /v3/push/app HTTP/1.1\r\nHost: api.tpns.tencent.com\r\nAccessId: 1500001048\r\nTimeStamp: 1565314789\r\nSign: {sign}\r\n\r\n{body}"
    );
    for pasted in [crlf.replace('\n', "\r"), crlf.replace("\r\n", "\r")] {
        let mut app = app("tpns");
        app.handle(key(KeyCode::F(7)));
        app.handle(Event::Paste(pasted.clone()));
        // The box shows one header a line, no blank line between them.
        let shown = app.request_box().unwrap().lines().to_vec();
        assert_eq!(shown[1], "Host: api.tpns.tencent.com", "{shown:?}");
        app.handle(key(KeyCode::F(7)));
        assert!(app.request_box().is_none(), "{:?}", app.status);
        assert_eq!(body_text(&app), body, "{pasted:?}");
        assert_eq!(app.expected.lines().concat(), sign);
        assert_eq!(signature(&app), sign);
    }
}

#[test]
fn a_request_that_does_not_read_keeps_the_box_and_says_where() {
    let mut app = app("tpns");
    app.handle(key(KeyCode::F(7)));
    app.handle(Event::Paste("POST / HTTP/1.1\nnot a header\n\n".into()));
    app.handle(key(KeyCode::F(7)));
    assert!(app.request_box().is_some());
    let status = app.status.clone().unwrap();
    assert!(status.error && status.text.contains("line 2"), "{status:?}");
    app.handle(key(KeyCode::Esc));
    assert!(app.request_box().is_none());
}

#[test]
fn copy_as_curl_http_and_bundle() {
    let mut app = app("tpns");
    app.handle(key(KeyCode::F(9)));
    assert!(app.copy_menu_open());
    let effects = app.handle(key(KeyCode::Char('c')));
    let [Effect::Copy { text, what }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(what, "the request as curl");
    let words = shell_words::split(&text.replace("\\\n", "")).unwrap();
    assert_eq!(
        words[..4],
        [
            "curl",
            "-X",
            "POST",
            "https://api.tpns.tencent.com/v3/push/app"
        ]
    );
    app.handle(key(KeyCode::F(9)));
    let effects = app.handle(key(KeyCode::Char('h')));
    let [Effect::Copy { text, .. }] = effects.as_slice() else {
        panic!()
    };
    assert!(text.starts_with("POST /v3/push/app HTTP/1.1\r\nHost: api.tpns.tencent.com\r\n"));
    app.handle(key(KeyCode::F(9)));
    let effects = app.handle(key(KeyCode::Char('b')));
    let [Effect::Copy { text, .. }] = effects.as_slice() else {
        panic!()
    };
    assert!(text.contains("\"sigscope_bundle\": 1") && !text.contains(&vector("TP-1").key));
}

#[test]
fn the_headers_editor_feeds_schemes_that_sign_headers() {
    let mut app = app("aws-sigv4");
    assert!(app.focus_order().contains(&Focus::Headers));
    assert_eq!(
        signature(&app),
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );
    // From the body, Shift-Tab reaches the headers; below the example's two lines, type the
    // headers of AWS's suite case get-header-value-trim.
    app.handle(key(KeyCode::BackTab));
    assert_eq!(app.focus, Focus::Headers);
    app.handle(key(KeyCode::Down));
    app.handle(key(KeyCode::Down));
    type_text(&mut app, "My-Header1: value1");
    app.handle(key(KeyCode::Enter));
    type_text(&mut app, "My-Header2: \"a   b   c\"");
    // AWS's published signature of that case.
    assert_eq!(
        signature(&app),
        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"
    );
    // A scheme that signs no headers shows no headers editor.
    assert!(!self::app("tpns").focus_order().contains(&Focus::Headers));
}

#[test]
fn derived_signing_keys_are_masked_in_the_stage_panel_until_revealed() {
    use sigscope::tui::stages::Content;
    let shown = |app: &App, name: &str| -> String {
        let view = app.computed.views.iter().find(|v| v.name == name).unwrap();
        match &view.content {
            Content::Text(bytes, segs) => segs.iter().map(|s| s.shown(bytes)).collect(),
            Content::Dump(bytes) => hex::encode(bytes),
            Content::Streamed => String::new(),
        }
    };
    // AWS's signing key for the suite's credentials and date, from Python's hmac.
    let k_signing = "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75";
    let mut app = app("aws-sigv4");
    for stage in ["k_date", "k_region", "k_service", "k_signing"] {
        assert_eq!(shown(&app, stage), "‹key›", "{stage}");
    }
    // The MAC that signs is no secret: it is the signature's bytes.
    assert_eq!(
        shown(&app, "mac"),
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );
    app.handle(key(KeyCode::F(2)));
    assert!(shown(&app, "k_signing").contains(k_signing));
}

#[test]
fn the_copy_menu_copies_the_trace_as_code_in_the_chosen_language() {
    let mut app = app("tpns");
    app.handle(key(KeyCode::F(9)));
    assert!(app.copy_menu_open());
    // Tab twice: Python, JavaScript, Go.
    app.handle(key(KeyCode::Tab));
    app.handle(key(KeyCode::Tab));
    let effects = app.handle(key(KeyCode::Char('p')));
    assert!(!app.copy_menu_open());
    let [Effect::Copy { text, what }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(
        text.contains("package main") && text.contains("secret(\"SIGSCOPE_KEY\")"),
        "{text}"
    );
    assert!(
        !text.contains("1452fcebae9f3115ba794fb0fff2fd73"),
        "the key is in the snippet"
    );
    assert_eq!(what, "the trace as Go code");
    app.copied(what, Ok("the clipboard"));
    let status = app.status.clone().unwrap();
    assert!(
        !status.error && status.text.starts_with("copied the trace as Go code"),
        "{status:?}"
    );
    // A language that cannot say the scheme's JSON form says so in the status line.
    let mut app = self::app("linksfield");
    app.handle(key(KeyCode::F(9)));
    app.handle(key(KeyCode::BackTab));
    assert!(app.handle(key(KeyCode::Char('p'))).is_empty());
    let status = app.status.clone().unwrap();
    assert!(
        status.error && status.text.starts_with("bash cannot express `json`"),
        "{status:?}"
    );
}

#[test]
fn the_key_reads_as_hex_or_base64_and_its_title_counts_its_bytes() {
    let mut app = app("tpns");
    let want = signature(&app);
    let secret = b"1452fcebae9f3115ba794fb0fff2fd73";
    // Write the same key as hex, then read it as hex (F10): the same signature.
    while app.focus != Focus::Key {
        app.handle(key(KeyCode::Tab));
    }
    app.handle(key(KeyCode::End));
    for _ in 0..secret.len() {
        app.handle(key(KeyCode::Backspace));
    }
    assert!(app.inputs.key.bytes().is_empty());
    type_text(&mut app, &hex::encode(secret));
    assert_ne!(signature(&app), want);
    app.handle(key(KeyCode::F(10)));
    assert_eq!(signature(&app), want);
    // Not hex: the error in place, the text kept.
    type_text(&mut app, "z");
    let Err(e) = &app.computed.result else {
        panic!("a key that is not hex signs")
    };
    assert!(
        e.starts_with("the key, read as hex (F10 changes it): is not hex"),
        "{e}"
    );
    assert!(app.inputs.key.bytes().ends_with(b"z"));
    // base64, then text again.
    app.handle(key(KeyCode::Backspace));
    app.handle(key(KeyCode::F(10)));
    // 64 hex digits are also base64 (of 48 other bytes): another key, another signature.
    assert_eq!(app.key_encoding, sigscope::sign::key::KeyEncoding::Base64);
    assert_ne!(signature(&app), want);
    app.handle(key(KeyCode::F(10)));
    assert_eq!(app.key_encoding, sigscope::sign::key::KeyEncoding::Text);
}

#[test]
fn a_history_session_holds_everything_but_the_key() {
    // A key that also appears in the body: the session holds it only where the body does.
    let mut app = app("tpns");
    while app.focus != Focus::Body {
        app.handle(key(KeyCode::Tab));
    }
    type_text(&mut app, "1452fcebae9f3115ba794fb0fff2fd73");
    let session = app.session(1_700_000_000_000);
    let json = serde_json::to_string(&session).unwrap();
    let body = session.body.clone().unwrap();
    assert_eq!(
        json.matches("1452fcebae9f3115ba794fb0fff2fd73").count(),
        body.matches("1452fcebae9f3115ba794fb0fff2fd73").count()
    );
    assert_eq!(session.scheme, "tpns");
    assert_eq!(session.fields["access_id"], "1500001048");
    assert_eq!(session.body_bytes(), app.inputs.body.bytes());
    assert!(!json.contains("\"key\""));
}

#[test]
fn a_pasted_curl_line_never_reads_the_files_it_names() {
    let mut app = app("tpns");
    app.handle(key(KeyCode::F(7)));
    app.handle(Event::Paste(
        "curl 'https://api.tpns.tencent.com/v3/push/app' -H 'Sign: abc' --data-binary @/dev/stdin"
            .into(),
    ));
    app.handle(key(KeyCode::F(7)));
    assert!(app.request_box().is_none(), "{:?}", app.status);
    let status = app.status.clone().unwrap();
    assert!(
        status
            .text
            .contains("the file `/dev/stdin` it names is not read"),
        "{status:?}"
    );
    assert!(app.inputs.body.bytes().is_empty());
}

/// Waits for the diagnose search (off the UI thread, started by `effects`) to report.
fn wait_for_diagnosis(app: &mut App, effects: Vec<Effect>) {
    common::run_until(app, effects, |app| app.diagnosing.is_none());
}

#[test]
fn diagnose_runs_off_the_ui_thread_and_esc_cancels_it() {
    let mut app = app("tpns");
    // An expected signature nothing reproduces: the search walks the whole space.
    while app.focus != Focus::Expected {
        app.handle(key(KeyCode::Tab));
    }
    type_text(&mut app, "AAAA");
    let effects = app.handle(key(KeyCode::F(8)));
    // The update returned at once: the screen says the search is under way.
    assert!(app.diagnosing.is_some());
    assert!(app.diagnosis.as_ref().unwrap()[0].starts_with("diagnosing…"));
    app.handle(key(KeyCode::Esc));
    wait_for_diagnosis(&mut app, effects);
    let d = app.diagnosis.clone().unwrap();
    assert!(
        d[0].starts_with("Cancelled: searched") || d[0].starts_with("Not explained"),
        "{d:?}"
    );
    // An edit of an input drops a search under way.
    app.handle(key(KeyCode::F(8)));
    while app.focus != Focus::Body {
        app.handle(key(KeyCode::Tab));
    }
    type_text(&mut app, "B");
    assert!(app.diagnosing.is_none() && app.diagnosis.is_none());
}

#[test]
fn help_pages_and_goes_to_either_end_at_80_by_24() {
    let mut app = app("tpns");
    app.handle(key(KeyCode::F(1)));
    screen(&mut app, 80, 24);
    let page = app.view.help_page;
    assert!(page > 5, "{page}");
    app.handle(key(KeyCode::PageDown));
    assert_eq!(app.view.help_scroll, page);
    app.handle(key(KeyCode::End));
    let s = screen(&mut app, 80, 24);
    let last = app.view.help_scroll;
    assert!(last > page, "{last}");
    assert!(s.contains(&format!("of {}", last + page)), "{s}");
    app.handle(key(KeyCode::PageUp));
    assert_eq!(app.view.help_scroll, last - page);
    app.handle(key(KeyCode::Home));
    assert_eq!(app.view.help_scroll, 0);
}

#[test]
fn a_long_diagnosis_scrolls_and_says_which_rows() {
    let mut app = app("tpns");
    app.diagnosis = Some(
        (1..=30)
            .map(|i| format!("line {i} of the diagnosis"))
            .collect(),
    );
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Diagnosis · rows 1–"), "{s}");
    assert!(!s.contains("line 30 of"), "{s}");
    for _ in 0..40 {
        app.handle(Event::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::ALT)));
    }
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("line 30 of"), "{s}");
    assert!(s.contains("of 30 · Alt-Up/Down"), "{s}");
}

#[test]
fn every_function_key_is_in_the_hints_at_80_and_120_columns() {
    let mut app = app("tpns");
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let s = screen(&mut app, w, h);
        let hints = s.lines().last().unwrap();
        for k in ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9"] {
            assert!(hints.contains(k), "{w}×{h}: {k} missing in `{hints}`");
        }
    }
}

#[test]
fn a_copy_too_large_for_osc52_is_offered_as_a_file() {
    let mut app = app("tpns");
    let big = "x".repeat(200_000);
    app.too_large_to_copy("stage `canonical`", big.clone());
    let status = app.status.clone().unwrap();
    assert!(status.error && status.text.contains("200 KB"), "{status:?}");
    assert!(status.text.contains("F9 then w"), "{status:?}");
    app.handle(key(KeyCode::F(9)));
    let effects = app.handle(key(KeyCode::Char('w')));
    let [Effect::WriteFile { name, text, what }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(name.starts_with("sigscope-copy-") && name.ends_with(".txt"));
    assert_eq!((text, what.as_str()), (&big, "stage `canonical`"));
    // Once written, nothing waits.
    app.handle(key(KeyCode::F(9)));
    assert!(app.handle(key(KeyCode::Char('w'))).is_empty());
}

#[test]
fn the_help_shows_the_scheme_notes_source_and_field_help() {
    let mut app = app("huawei-authtoken");
    app.handle(key(KeyCode::F(1)));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("This scheme: huawei-authtoken"), "{s}");
    assert!(s.contains("source    Huawei KooGallery"), "{s}");
    assert!(
        s.contains("note      • The worked example \"assumes\" a sort order"),
        "{s}"
    );
    assert!(
        s.contains("  decode_values\n") || s.contains("│  decode_values "),
        "{s}"
    );
    assert!(s.contains("method    HTTP method: not signed"), "{s}");
}

#[test]
fn a_status_message_goes_when_it_is_old() {
    let mut app = app("tpns");
    app.handle(key(KeyCode::F(9)));
    app.handle(key(KeyCode::Char('w'))); // nothing waits: an error
    assert!(screen(&mut app, 120, 40).contains("no copy is waiting"));
    app.now_millis += 19_000;
    assert!(screen(&mut app, 120, 40).contains("no copy is waiting"));
    app.now_millis += 2_000;
    let s = screen(&mut app, 120, 40);
    assert!(!s.contains("no copy is waiting"), "{s}");
    // The scheme's description takes its place.
    assert!(s.contains("HMAC-SHA256 over TimeStamp"), "{s}");
}

#[test]
fn enter_in_a_crlf_body_ends_the_line_with_crlf() {
    // A small body (the text editor) and a large one (the large-text editor).
    for size in [10, 70 * 1024] {
        let recipes = builtin::all().unwrap();
        let current = recipes.iter().position(|r| r.id == "tpns").unwrap();
        let mut prefill = Prefill::example(&recipes[current]);
        let body = format!("{{\r\n\"a\": \"{}\"\r\n}}", "y".repeat(size));
        prefill.body = body.clone().into_bytes();
        let mut app = App::new(
            recipes,
            current,
            &prefill,
            None,
            NOW,
            Box::new(|b| b.fill(7)),
        );
        while app.focus != Focus::Body {
            app.handle(key(KeyCode::Tab));
        }
        // At the end of the first line (the cursor after its CR), Enter.
        app.handle(key(KeyCode::End));
        app.handle(key(KeyCode::Enter));
        app.settle();
        assert_eq!(
            body_text(&app),
            body.replacen("\r\n", "\r\n\r\n", 1),
            "size {size}"
        );
    }
}

#[test]
fn f3_is_undone_by_ctrl_z_right_after() {
    let mut app = app("huawei-basic");
    let before: BTreeMap<_, _> = app.computed.result.as_ref().unwrap().fields.clone();
    let sig = signature(&app);
    app.handle(key(KeyCode::F(3)));
    assert_ne!(signature(&app), sig);
    app.handle(ctrl('z'));
    let after: BTreeMap<_, _> = app.computed.result.as_ref().unwrap().fields.clone();
    assert_eq!(after, before);
    assert_eq!(signature(&app), sig);
    assert!(app.status.clone().unwrap().text.starts_with("F3 undone"));
}

#[test]
fn the_bundle_verdict_is_shown_under_the_expected_signature() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sigscope"))
        .args([
            "sign",
            "-p",
            "huawei-tenant",
            "--example",
            "--format",
            "bundle",
        ])
        .output()
        .unwrap();
    let bundle: sigscope::request::bundle::Bundle = serde_json::from_slice(&out.stdout).unwrap();
    let mut app = app("huawei-tenant");
    app.bundle = Some(bundle);
    let s = screen(&mut app, 200, 60);
    assert!(
        s.contains("bundle: every stage matches the bundle's fingerprints"),
        "{s}"
    );
    // Another key, of another length.
    while app.focus != Focus::Key {
        app.handle(key(KeyCode::Tab));
    }
    type_text(&mut app, "-longer");
    let s = screen(&mut app, 200, 60);
    assert!(
        s.contains(
            "bundle: stages that differ from the bundle's: mac, signature; the first is `mac`"
        ),
        "{s}"
    );
}

fn alt(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

#[test]
fn alt_t_compares_a_pasted_server_string_with_ours() {
    // AWS's own canonical request for get-vanilla, with one header value changed, against the
    // aws-sigv4 example (which is get-vanilla).
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/vectors/aws-sigv4-testsuite/get-vanilla/get-vanilla.creq"
    );
    let Ok(creq) = std::fs::read_to_string(path) else {
        eprintln!("SKIPPED: {path} is absent (../shared holds AWS's SigV4 test suite)");
        return;
    };
    let mut app = app("aws-sigv4");
    app.handle(alt('t'));
    assert!(app.theirs_box().is_some());
    app.handle(Event::Paste(
        creq.replace("20150830T123600Z", "20150830T123601Z"),
    ));
    app.handle(alt('t'));
    assert!(app.theirs_box().is_none());
    let d = app.diagnosis.clone().expect("the comparison is shown");
    assert!(
        d[0].starts_with("The server's canonical request (canonical_request), from the pasted string, differs from ours at line 5"),
        "{d:?}"
    );
    assert!(d[2].ends_with("x-amz-date:20150830T123601Z"), "{d:?}");
    // The same string: said to be the same.
    app.handle(alt('t'));
    app.handle(Event::Paste(creq));
    app.handle(alt('t'));
    assert!(app.diagnosis.unwrap()[0].contains("is the same as ours"));
}

#[test]
fn f12_hands_the_request_as_signed_to_the_runtime() {
    let mut app = app("github");
    let effects = app.handle(key(KeyCode::F(12)));
    let [
        Effect::Send {
            target,
            bytes,
            shown,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    // The example's URL, and the request as `sign --format http` writes it.
    assert_eq!(
        (target.host.as_str(), target.path.as_str()),
        ("example.com", "/github/webhook")
    );
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.starts_with("POST /github/webhook HTTP/1.1\r\nHost: example.com\r\n"),
        "{text}"
    );
    assert!(text.ends_with("\r\n\r\nHello, World!"), "{text}");
    assert!(shown[0].starts_with("> POST /github/webhook"));
    // F11 asks the runtime to listen; without a key it does not.
    assert_eq!(app.handle(key(KeyCode::F(11))), vec![Effect::Listen]);
}

#[test]
fn a_history_session_keeps_no_secret_field_and_its_file_is_private() {
    // OAuth 1.0a's token secret is half of the HMAC key: the session leaves it out.
    let app = app("oauth1");
    let secret = sigscope::sign::builtin::all()
        .unwrap()
        .into_iter()
        .find(|r| r.id == "oauth1")
        .unwrap()
        .example
        .fields
        .get("token_secret")
        .cloned()
        .expect("the example has a token secret");
    assert!(!secret.is_empty());
    let session = app.session(1_700_000_000_000);
    let json = serde_json::to_string(&session).unwrap();
    assert!(!session.fields.contains_key("token_secret"), "{json}");
    assert!(!json.contains(&secret), "{json}");
    // Saved: the folder 700, the file 600.
    let dir = std::env::temp_dir().join(format!("sigscope-history-mode-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let nested = dir.join("state/history");
    let path = sigscope::history::save(&nested, &session, 5, &Default::default())
        .unwrap()
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&nested), 0o700);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A public-key scheme in the TUI: the expected signature is verified with the key (the
/// example's private key, by its public half); an edit of the body makes it fail to verify,
/// and the key pane's title names the key's kind.
#[test]
fn a_public_key_scheme_verifies_the_expected_signature_on_every_edit() {
    let mut app = app("discord");
    let recipe = sigscope::sign::builtin::all()
        .unwrap()
        .into_iter()
        .find(|r| r.id == "discord")
        .unwrap();
    let want = recipe.example.signature.clone().unwrap();
    // Signing with the private key gives Discord's value (Ed25519 is deterministic).
    assert_eq!(signature(&app), want);
    while app.focus != Focus::Expected {
        app.handle(key(KeyCode::Tab));
    }
    app.handle(Event::Paste(want.clone()));
    assert_eq!(
        signature(&app),
        want,
        "verified: the stage is the signature received"
    );
    while app.focus != Focus::Body {
        app.handle(key(KeyCode::Tab));
    }
    type_text(&mut app, " ");
    assert_eq!(signature(&app), "(not verified)");
}

#[test]
fn f4s_learn_entry_learns_a_pasted_request_off_the_ui_thread_and_alt_w_saves_it() {
    // A Zoom delivery that zoom's own sample signed (tests/fixtures/catalog/npm-webhooks), the
    // key typed in the Key pane first.
    let Ok(request) = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/catalog/npm-webhooks/zoom.http"
    )) else {
        eprintln!("skipped: the catalog fixtures are absent");
        return;
    };
    let mut app = common::app_with(
        "github",
        NOW,
        |p| p.key = b"zoom_example_secret_token".to_vec(),
        None,
    );
    app.handle(key(KeyCode::F(4)));
    type_text(&mut app, "learn");
    app.handle(key(KeyCode::Enter));
    assert!(app.learn_box() && app.request_box().is_some());
    // Nothing pasted: the box stays open with the reason.
    app.handle(key(KeyCode::F(7)));
    assert!(app.request_box().is_some());
    app.handle(Event::Paste(request.clone()));
    let effects = app.handle(key(KeyCode::F(7)));
    assert!(app.request_box().is_none());
    assert!(app.learning.is_some(), "the search runs off the UI thread");
    common::run_until(&mut app, effects, |app| app.learning.is_none());
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert_eq!(app.recipe().id, "learned-x-zm-signature", "{status}");
    assert!(status.starts_with("learned"), "{status}");
    // The request's values are in, and the stages give its signature.
    assert_eq!(
        signature(&app),
        "7a6e3cef82acfa78d2bfe286537a595a7a1a068035e9065f213b9c9f9705a6ad"
    );
    let canonical = app
        .computed
        .result
        .as_ref()
        .unwrap()
        .stages
        .iter()
        .find(|s| s.name == "canonical")
        .expect("a canonical stage")
        .bytes
        .clone();
    assert!(canonical.starts_with(b"v0:1700000000:{\"event\""));
    // Alt-W asks the runtime to write it into the recipes folder.
    app.recipes_dir = Some(std::path::PathBuf::from("/nonexistent/recipes"));
    let effects = app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char('w'),
        KeyModifiers::ALT,
    )));
    match effects.as_slice() {
        [Effect::SaveRecipe { id, text, .. }] => {
            assert_eq!(id, "learned-x-zm-signature");
            assert!(text.contains("concat = [\"v0\", \"{zm_request_timestamp}\", \"{body}\"]"));
            assert!(!text.contains("zoom_example_secret_token"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn alt_a_applies_what_diagnose_found_and_the_stages_match() {
    // A PHP receiver's signature: hash_hmac over json_encode(json_decode($raw)) — `/` as `\/`
    // and `é` as `\u00e9` (computed here with the hmac crate over those bytes).
    let body = r#"{"url":"https://x.test/a","name":"café"}"#;
    let php = r#"{"url":"https:\/\/x.test\/a","name":"caf\u00e9"}"#;
    let mut mac = Hmac::<Sha256>::new_from_slice(b"It's a Secret to Everybody").unwrap();
    mac.update(php.as_bytes());
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let mut app = common::app_with(
        "github",
        NOW,
        |p| p.body = body.as_bytes().to_vec(),
        Some(&expected),
    );
    let effects = app.handle(key(KeyCode::F(8)));
    common::run_until(&mut app, effects, |app| app.diagnosing.is_none());
    let report = app.diagnosis.clone().unwrap_or_default().join("\n");
    assert!(report.contains("PHP's json_encode"), "{report}");
    assert!(report.contains("The bodies part at byte"), "{report}");
    assert!(report.contains("Alt-A applies it"), "{report}");
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char('a'),
        KeyModifiers::ALT,
    )));
    assert_eq!(body_text(&app), php);
    let status = app.status.as_ref().unwrap().text.clone();
    assert!(
        status.contains("the expected signature matches"),
        "{status}"
    );
    assert_eq!(format!("sha256={}", signature(&app)), expected);
}

#[test]
fn a_pasted_request_goes_out_of_f9_and_f12_with_its_own_url_and_headers() {
    // A GitHub delivery to the customer's own path, with the headers their app routes on; the
    // signature it carries is wrong, so only that header changes (computed here with HMAC).
    let body = "{\"action\":\"open\"}";
    let head = "POST /hooks/github?team=payments HTTP/1.1\r\nHost: api.acme.test:8443\r\nUser-Agent: GitHub-Hookshot/044aadd\r\nContent-Type: application/json\r\nX-GitHub-Event: issues\r\nX-GitHub-Delivery: 72d3\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: 17\r\n\r\n";
    let mut app = app("github");
    app.handle(key(KeyCode::F(7)));
    app.handle(Event::Paste(format!("{head}{body}")));
    app.handle(key(KeyCode::F(7)));
    assert!(app.request_box().is_none(), "{:?}", app.status);
    let mut mac = Hmac::<Sha256>::new_from_slice(app.inputs.key.bytes().as_slice()).unwrap();
    mac.update(body.as_bytes());
    let sig = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let expected = format!("{}{body}", head.replace("sha256=00", &sig));
    app.handle(key(KeyCode::F(9)));
    let effects = app.handle(key(KeyCode::Char('h')));
    let [Effect::Copy { text, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(text, &expected);
    let effects = app.handle(key(KeyCode::F(12)));
    let [Effect::Send { target, bytes, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        (target.host.as_str(), target.port, target.path.as_str()),
        ("api.acme.test", 8443, "/hooks/github?team=payments")
    );
    assert_eq!(String::from_utf8_lossy(bytes), expected);
}

#[test]
fn a_pasted_presigned_url_takes_the_new_signature_in_its_query() {
    // A presigned S3 GET signed with the app's key: F9's raw HTTP carries the signature made in
    // X-Amz-Signature, where the request had its own, and gains no Authorization header.
    let url = "/photos/a.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260301%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260301T083000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=00";
    let pasted = format!("GET {url} HTTP/1.1\r\nHost: examplebucket.s3.amazonaws.com\r\n\r\n");
    let mut app = app("aws-sigv4");
    app.handle(key(KeyCode::F(7)));
    app.handle(Event::Paste(pasted.clone()));
    app.handle(key(KeyCode::F(7)));
    assert!(app.request_box().is_none(), "{:?}", app.status);
    let made = signature(&app);
    assert_ne!(made, "00");
    app.handle(key(KeyCode::F(9)));
    let effects = app.handle(key(KeyCode::Char('h')));
    let [Effect::Copy { text, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        text,
        &pasted.replace("X-Amz-Signature=00", &format!("X-Amz-Signature={made}"))
    );
}

#[test]
fn a_body_pasted_through_a_terminal_gets_its_line_ends_back() {
    // Terminals turn each pasted LF into CR: an LF body arrives with CR alone, a CRLF body with
    // CR CR. The request's own Content-Length (and JSON) say the body is whole.
    let v = vector("TP-1");
    for body in ["{\n  \"a\": 1\n}", "{\r\n  \"a\": 1\r\n}"] {
        let sign = tpns_sign(&v.key, "1565314789", "1500001048", body);
        let sent = format!(
            "POST /v3/push/app HTTP/1.1\r\nHost: api.tpns.tencent.com\r\nAccessId: 1500001048\r\nTimeStamp: 1565314789\r\nSign: {sign}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let mut app = app("tpns");
        app.handle(key(KeyCode::F(7)));
        app.handle(Event::Paste(sent.replace('\n', "\r")));
        app.handle(key(KeyCode::F(7)));
        assert!(app.request_box().is_none(), "{:?}", app.status);
        assert_eq!(body_text(&app), body);
        assert_eq!(signature(&app), sign, "{body:?}");
        let status = &app.status.as_ref().unwrap().text;
        let as_what = if body.contains('\r') { "CRLF" } else { "LF" };
        assert!(
            status.contains(&format!(
                "the body's line ends came as CR (a terminal's paste): read as {as_what}"
            )),
            "{status}"
        );
    }
}

#[test]
fn alt_m_shows_the_last_messages_in_full() {
    let mut app = app("tpns");
    // A message longer than any status line: a request whose Content-Length is wrong.
    let raw = "POST /v3/push/app HTTP/1.1\r\nHost: api.tpns.tencent.com\r\nAccessId: 1500001048\r\nTimeStamp: 1565314789\r\nSign: x\r\nContent-Length: 99\r\n\r\n{}";
    app.handle(key(KeyCode::F(7)));
    app.handle(Event::Paste(raw.into()));
    app.handle(key(KeyCode::F(7)));
    let said = app.status.as_ref().unwrap().text.clone();
    assert!(said.len() > 120, "{said}");
    app.handle(alt('m'));
    let shown = app.diagnosis.clone().unwrap();
    assert!(shown[0].starts_with("The last "), "{shown:?}");
    assert_eq!(shown[1], format!("· {said}"));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("Messages (Alt-M)"), "{text}");
    app.handle(alt('m'));
    assert!(app.diagnosis.is_none());
}

#[test]
fn f7_recognizes_the_scheme_of_a_pasted_request_and_alt_o_switches() {
    // A Stripe delivery pasted while tpns is on screen; its signature computed here with HMAC.
    let body = "{\"id\":\"evt_1\"}";
    let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec_test").unwrap();
    mac.update(format!("1614265330.{body}").as_bytes());
    let sig = hex::encode(mac.finalize().into_bytes());
    let raw = format!(
        "POST /hook HTTP/1.1\r\nHost: h\r\nStripe-Signature: t=1614265330,v1={sig}\r\n\r\n{body}"
    );
    let mut app = app("tpns");
    app.handle(key(KeyCode::F(7)));
    app.handle(Event::Paste(raw));
    app.handle(key(KeyCode::F(7)));
    let said = app.status.as_ref().unwrap().text.clone();
    assert!(
        said.contains("it reads as scheme stripe (Stripe webhooks): Alt-O switches to it"),
        "{said}"
    );
    app.handle(alt('o'));
    assert_eq!(app.recipe().id, "stripe");
    assert_eq!(body_text(&app), body);
    assert_eq!(
        app.expected.lines().concat(),
        format!("t=1614265330,v1={sig}")
    );
    assert!(app.scheme_offer.is_none());
}

#[test]
fn a_field_that_is_not_its_kind_is_said_on_the_fields_pane() {
    let mut app = app("tpns");
    let at = app
        .recipe()
        .fields
        .iter()
        .position(|f| f.name == "timestamp")
        .unwrap();
    while app.focus != Focus::Field(at) {
        app.handle(key(KeyCode::Tab));
    }
    let before = screen(&mut app, 120, 40);
    assert!(!before.contains("Unix seconds are"), "{before}");
    type_text(&mut app, "x");
    let after = screen(&mut app, 120, 40);
    assert!(
        after.contains("└Unix seconds are digits (like 1565314789)──"),
        "{after}"
    );
}
