//! What the viewer draws, on a `TestBackend`: the table and status bar, the
//! detail pane for each body format, the help overlay, and no colour when off.

use bytes::Bytes;
use http::HeaderMap;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

use super::actions::Action;
use super::app::App;
use super::detail::{self, Tab};
use super::tests::{loaded, summary};
use super::worker::Reply;
use crate::config::Config;
use crate::provider::SignatureState;
use crate::store::{Delivery, RelayLock, Source, State};

fn draw(app: &App) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.screen.width, app.screen.height)).unwrap();
    terminal.draw(|f| super::ui::render(f, app)).unwrap();
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn delivery(content_type: &str, body: &[u8]) -> Delivery {
    let mut headers = HeaderMap::new();
    headers.append("content-type", content_type.parse().unwrap());
    headers.append("x-github-event", "push".parse().unwrap());
    headers.append("x-hub-signature-256", "sha256=abc".parse().unwrap());
    let s = summary(50);
    Delivery {
        seq: s.seq,
        id: s.id,
        received_at: s.received_at,
        source: Source::Listen,
        method: "POST".into(),
        path: "/hook".into(),
        query: Some("a=1&b=two+words".into()),
        headers,
        body: Bytes::copy_from_slice(body),
        body_size: body.len() as i64,
        remote_addr: Some("127.0.0.1:5000".into()),
        provider: Some("github".into()),
        profile: None,
        route: Some("/".into()),
        event: Some("push".into()),
        provider_delivery_id: Some("d-1".into()),
        signature: SignatureState::Invalid,
        signature_reason: Some("no signature matched (1 tried)".into()),
        duplicate_of: None,
        state: State::Rejected,
        target: None,
        attempts: 0,
        next_attempt_at: None,
        last_status: None,
        last_duration_us: None,
        last_error: None,
        replay_of: None,
    }
}

/// The app with the detail pane open on `tab`, showing `d`.
fn showing(d: Delivery, tab: Tab) -> String {
    let mut app = loaded(50);
    app.apply(Action::ToggleDetail);
    app.tab = tab;
    app.reply(Reply::Detail(Box::new(detail::build(d, Vec::new(), &Config::default(), true))));
    text(&draw(&app))
}

#[test]
fn the_table_shows_each_column_and_the_status_bar_its_figures() {
    let mut app = loaded(50);
    app.reply(Reply::Counts { generation: app.generation, total: 1_234_567, shown: 50 });
    app.reply(Reply::Polled { generation: 0, rows: Vec::new(), head: 0, per_minute: None, relay: Some(None) });
    let screen = text(&draw(&app));
    for header in ["time", "source", "provider", "event", "sig", "state", "status", "latency", "size", "id"] {
        assert!(screen.lines().nth(1).unwrap().contains(header), "{header}:\n{screen}");
    }
    let newest = screen.lines().find(|l| l.contains(&summary(50).id)).expect("the newest row");
    for cell in ["listen", "github", "push", "✓", "forwarded", "200", "50ms", "100B"] {
        assert!(newest.contains(cell), "{cell}: {newest}");
    }
    let status = screen.lines().last().unwrap();
    for part in ["FOLLOW", "1,234,567 total", "50 shown", "0.0% failed", "p50 25ms p95 48ms", "no relay running"] {
        assert!(status.contains(part), "{part}: {status}");
    }
    app.apply(Action::Up(1));
    app.reply(Reply::Polled {
        generation: app.generation,
        rows: vec![summary(51)],
        head: 51,
        per_minute: Some(7),
        relay: Some(Some(RelayLock { pid: 42, url: Some("http://127.0.0.1:5757".into()) })),
    });
    let status = text(&draw(&app)).lines().last().unwrap().to_owned();
    assert!(status.contains("PAUSED · 1 new"), "{status}");
    assert!(status.contains("7/min") && status.contains("relay running (pid 42, http://127.0.0.1:5757)"), "{status}");
}

#[test]
fn the_request_tab_lists_headers_in_order_and_the_query() {
    let screen = showing(delivery("application/json", b"{}"), Tab::Request);
    let at = |needle: &str| screen.find(needle).unwrap_or_else(|| panic!("{needle}:\n{screen}"));
    assert!(at("content-type: application/json") < at("x-github-event: push"));
    assert!(at("x-github-event: push") < at("x-hub-signature-256: sha256=abc"));
    assert!(screen.contains("POST /hook?a=1&b=two+words") && screen.contains("b = two words"), "{screen}");
}

#[test]
fn a_json_body_is_pretty_printed() {
    let screen = showing(delivery("application/json", br#"{"action":"opened","n":[1,2]}"#), Tab::Body);
    assert!(screen.contains("JSON, 29 bytes"), "{screen}");
    assert!(screen.contains("  \"action\": \"opened\","), "{screen}");
    assert!(screen.contains("    1,"), "{screen}");
}

#[test]
fn an_xml_body_is_indented() {
    let screen = showing(delivery("application/xml", b"<event><type>push</type></event>"), Tab::Body);
    assert!(
        screen.contains("XML, 32 bytes") && screen.contains("\n<event>") && screen.contains("  <type>push</type>"),
        "{screen}"
    );
}

#[test]
fn a_form_body_is_a_table_of_fields() {
    let screen = showing(delivery("application/x-www-form-urlencoded", b"payload=%7B%7D&team=T1"), Tab::Body);
    assert!(screen.contains("payload  {}") && screen.contains("team     T1"), "{screen}");
}

#[test]
fn a_binary_body_is_a_hex_dump() {
    let screen = showing(delivery("application/octet-stream", b"\x00\x01\x02hi\xff"), Tab::Body);
    assert!(screen.contains("binary, 6 bytes") && screen.contains("00000000  00 01 02 68 69 ff"), "{screen}");
}

#[test]
fn the_signature_tab_says_what_was_recorded_and_why_it_cannot_recheck() {
    let screen = showing(delivery("application/json", b"{}"), Tab::Signature);
    assert!(screen.contains("recorded: invalid — no signature matched (1 tried)"), "{screen}");
    assert!(screen.contains("re-checking needs a secret that is not available"), "{screen}");
    assert!(screen.contains("hooktap verify --delivery"), "{screen}");
}

#[test]
fn the_help_overlay_lists_every_key() {
    let mut app = loaded(5);
    app.apply(Action::Help);
    let screen = text(&draw(&app));
    for (keys, what) in super::handler::KEYS {
        assert!(screen.contains(keys), "{keys}:\n{screen}");
        assert!(screen.contains(&what[..what.len().min(40)]), "{what}:\n{screen}");
    }
}

#[test]
fn without_colour_nothing_is_coloured_and_the_selection_is_reversed() {
    let mut app = loaded(50);
    app.color = false;
    app.apply(Action::ToggleDetail);
    app.reply(Reply::Detail(Box::new(detail::build(
        delivery("application/json", b"{\"a\":1}"),
        Vec::new(),
        &Config::default(),
        false,
    ))));
    app.tab = Tab::Body;
    let buffer = draw(&app);
    let area: Rect = buffer.area;
    for y in 0..area.height {
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            assert!(matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset), "({x},{y}) {cell:?}");
        }
    }
}

#[test]
fn a_search_in_progress_says_how_much_of_the_log_it_has_read() {
    let mut app = loaded(50);
    app.apply(Action::Search);
    for c in "needle".chars() {
        app.apply(Action::Input(c));
    }
    app.apply(Action::Submit);
    app.reply(Reply::Progress {
        generation: app.generation,
        anchor: super::worker::Anchor::Newest,
        scanned: 350,
        span: 1000,
    });
    let screen = text(&draw(&app));
    assert!(screen.contains("searching headers and bodies for \"needle\"… (35% of the log read)"), "{screen}");
    assert!(screen.contains("searching for \"needle\": 0 found so far (35% of the log read)"), "{screen}");
}

#[test]
fn a_tiny_terminal_draws_without_panicking() {
    for (w, h) in [(1, 1), (10, 3), (40, 8), (80, 12)] {
        let mut app = loaded(50);
        app.resize(Rect::new(0, 0, w, h));
        draw(&app);
        app.apply(Action::ToggleDetail);
        app.reply(Reply::Detail(Box::new(detail::build(
            delivery("application/json", b"{}"),
            Vec::new(),
            &Config::default(),
            true,
        ))));
        draw(&app);
        app.apply(Action::Help);
        draw(&app);
        app.apply(Action::Help);
        app.apply(Action::Pick(crate::store::Column::Provider));
        app.reply(Reply::Values { column: crate::store::Column::Provider, values: vec![("github".into(), 3)] });
        draw(&app);
    }
}

#[test]
fn a_narrow_terminal_gives_the_event_the_room_of_the_id_source_and_size() {
    let mut app = loaded(50);
    app.reply(Reply::Polled { generation: 0, rows: Vec::new(), head: 0, per_minute: None, relay: Some(None) });
    app.resize(Rect::new(0, 0, 80, 20));
    let screen = text(&draw(&app));
    let header = screen.lines().nth(1).unwrap();
    for gone in ["source", "size", " id"] {
        assert!(!header.contains(gone), "{gone}: {header}");
    }
    for kept in ["time", "provider", "event", "sig", "state", "status", "latency"] {
        assert!(header.contains(kept), "{kept}: {header}");
    }
    let status = screen.lines().last().unwrap();
    assert!(status.trim_end().ends_with("○ no relay running"), "whatever else is cut: {status}");
}
