//! The viewer's state, driven by actions and replies as the run loop would, without a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::actions::Action;
use super::app::{App, Choice, Effect, Mode};
use super::window::{PAGE, WINDOW_MAX};
use super::worker::{Anchor, Reply, Request};
use crate::error::Exit;
use crate::provider::SignatureState;
use crate::store::{Column, Filter, Source, State, Summary};

pub(super) fn summary(seq: i64) -> Summary {
    Summary {
        seq,
        id: format!("01J{seq:023}"),
        received_at: 1_793_527_200_000 + seq * 1000,
        source: Source::Listen,
        method: "POST".into(),
        path: "/hook".into(),
        query: None,
        body_size: 100,
        provider: Some(if seq % 2 == 0 { "github" } else { "stripe" }.into()),
        route: Some("/".into()),
        event: Some("push".into()),
        provider_delivery_id: None,
        signature: SignatureState::Valid,
        duplicate_of: None,
        state: State::Forwarded,
        target: Some("http://localhost:3000".into()),
        attempts: 1,
        last_status: Some(200),
        last_duration_us: Some(1000 * seq),
        last_error: None,
        replay_of: None,
        signature_reason: None,
    }
}

/// Rows `from..=to`, newest first, as a newest or older page comes.
fn newest_first(from: i64, to: i64) -> Vec<Summary> {
    (from..=to).rev().map(summary).collect()
}

pub(super) fn app() -> App {
    App::new(Filter::default(), "/tmp/x.db".into(), true, Rect::new(0, 0, 160, 40))
}

/// An app that has loaded deliveries `1..=n` as its newest page.
pub(super) fn loaded(n: i64) -> App {
    let mut app = app();
    app.start();
    let rows = newest_first((n - PAGE as i64 + 1).max(1), n);
    app.reply(Reply::Rows { generation: app.generation, anchor: Anchor::Newest, rows, head: Some(n), done: true });
    app
}

fn loads(fx: &[Effect]) -> Vec<(Anchor, Filter)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Query(Request::Load { anchor, filter, .. }) => Some((*anchor, filter.clone())),
            _ => None,
        })
        .collect()
}

fn poll(app: &mut App, rows: Vec<Summary>) {
    let head = rows.last().map_or(app.head.unwrap_or(0), |r| r.seq);
    app.polling = true;
    app.reply(Reply::Polled { generation: app.generation, rows, head, per_minute: None, relay: None });
}

fn selected(app: &App) -> i64 {
    app.window.selected_row().expect("a selection").seq
}

#[test]
fn it_starts_with_the_newest_page_following_and_counts() {
    let mut app = app();
    let fx = app.start();
    assert_eq!(loads(&fx), vec![(Anchor::Newest, Filter::default())]);
    assert!(fx.iter().any(|e| matches!(e, Effect::Query(Request::Counts { .. }))));
    assert!(app.main_load.is_some());
    let g = app.generation;
    app.reply(Reply::Rows {
        generation: g,
        anchor: Anchor::Newest,
        rows: newest_first(31, 50),
        head: Some(50),
        done: false,
    });
    assert_eq!(selected(&app), 50, "the first part is shown at once, newest selected");
    app.reply(Reply::Rows {
        generation: g,
        anchor: Anchor::Newest,
        rows: newest_first(1, 30),
        head: Some(50),
        done: true,
    });
    let seqs: Vec<i64> = app.window.rows.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (1..=50).collect::<Vec<_>>(), "oldest first on screen");
    assert_eq!(selected(&app), 50);
    assert!(app.follow && app.window.at_start && app.window.at_end);
    assert_eq!(app.head, Some(50));
}

#[test]
fn new_rows_are_followed_and_polling_never_reloads() {
    let mut app = loaded(50);
    let fx = app.tick();
    let polls: Vec<i64> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Query(Request::Poll { after, .. }) => Some(*after),
            _ => None,
        })
        .collect();
    assert_eq!(polls, vec![50], "asks only for rows after the newest seen");
    assert!(loads(&fx).is_empty());
    poll(&mut app, vec![summary(51), summary(52)]);
    assert_eq!(selected(&app), 52);
    assert_eq!(app.window.rows.len(), 52);
}

#[test]
fn scrolling_up_pauses_following_and_the_selection_stays_on_its_delivery() {
    let mut app = loaded(50);
    app.apply(Action::Up(1));
    assert!(!app.follow, "paused");
    assert_eq!(selected(&app), 49);
    poll(&mut app, vec![summary(51), summary(52)]);
    assert_eq!(selected(&app), 49, "still on the same delivery");
    assert_eq!(app.unseen, 2, "the status bar says how many arrived");
    app.apply(Action::Down(10));
    assert_eq!(selected(&app), 52);
    assert!(app.follow, "back on the newest row: following again");
    assert_eq!(app.unseen, 0);
    app.apply(Action::ToggleFollow);
    assert!(!app.follow, "f pauses");
    app.apply(Action::ToggleFollow);
    assert!(app.follow, "f resumes");
}

#[test]
fn nearing_the_top_of_the_window_fetches_the_page_before_it_and_keeps_the_selection() {
    let mut app = loaded(1000);
    assert!(!app.window.at_start, "a full page: more lies before it");
    let fx = app.apply(Action::PageUp);
    assert!(loads(&fx).is_empty(), "far from the edge");
    let fx = app.apply(Action::Up(app.window.selected - super::window::MARGIN));
    assert!(loads(&fx).is_empty(), "not yet at the margin");
    let fx = app.apply(Action::Up(1));
    let first = app.window.rows[0].seq;
    assert_eq!(loads(&fx).first().map(|l| l.0), Some(Anchor::Older(first)));
    let at = selected(&app);
    app.reply(Reply::Rows {
        generation: app.generation,
        anchor: Anchor::Older(first),
        rows: newest_first(first - PAGE as i64, first - 1),
        head: None,
        done: true,
    });
    assert_eq!(selected(&app), at, "the selection stays on its delivery");
    assert_eq!(app.window.rows.len(), 2 * PAGE);
    assert!(app.apply(Action::Up(1)).is_empty() || app.older.is_some(), "one page at a time");
}

#[test]
fn the_window_holds_at_most_its_maximum_however_many_rows_arrive() {
    let mut app = loaded(200);
    for batch in 0..10 {
        let from = 201 + batch * 200;
        poll(&mut app, (from..from + 200).map(summary).collect());
    }
    assert_eq!(app.window.rows.len(), WINDOW_MAX);
    assert_eq!(selected(&app), 2200);
    assert!(!app.window.at_start, "older rows were let go and can be fetched again");
}

#[test]
fn picking_a_provider_refilters_from_the_newest_and_ignores_stale_pages() {
    let mut app = loaded(50);
    let fx = app.apply(Action::Pick(Column::Provider));
    assert!(fx.iter().any(|e| matches!(e, Effect::Query(Request::Values { column: Column::Provider, .. }))));
    app.reply(Reply::Values { column: Column::Provider, values: vec![("github".into(), 25), ("stripe".into(), 25)] });
    let Mode::Picker(p) = &app.mode else { panic!("a picker") };
    assert_eq!(p.choice, Choice::Filter(Column::Provider));
    assert_eq!(p.items.as_ref().unwrap()[0], ("(any)".to_owned(), 50));
    app.apply(Action::Down(1));
    let old = app.generation;
    let fx = app.apply(Action::Submit);
    assert_eq!(app.mode, Mode::Table);
    let github = Filter { provider: Some("github".into()), ..Filter::default() };
    assert_eq!(loads(&fx), vec![(Anchor::Newest, github.clone())]);
    assert_eq!(app.filter, github);
    assert!(app.window.rows.is_empty() && app.follow);
    // A page for the old filter arriving late changes nothing.
    app.reply(Reply::Rows {
        generation: old,
        anchor: Anchor::Newest,
        rows: newest_first(1, 5),
        head: Some(5),
        done: true,
    });
    assert!(app.window.rows.is_empty());
    // Backspace drops what was picked here.
    let fx = app.apply(Action::ClearFilters);
    assert_eq!(loads(&fx), vec![(Anchor::Newest, Filter::default())]);
}

#[test]
fn a_search_filters_by_text_and_an_empty_one_clears_it() {
    let mut app = loaded(50);
    app.apply(Action::Search);
    for c in "evt_42".chars() {
        app.apply(Action::Input(c));
    }
    app.apply(Action::Backspace);
    let fx = app.apply(Action::Submit);
    assert_eq!(loads(&fx)[0].1.text.as_deref(), Some("evt_4"));
    let counts = |fx: &[Effect]| fx.iter().filter(|e| matches!(e, Effect::Query(Request::Counts { .. }))).count();
    assert_eq!(counts(&fx), 0, "counting waits for the search's page");
    let fx = app.reply(Reply::Rows {
        generation: app.generation,
        anchor: Anchor::Newest,
        rows: vec![summary(42)],
        head: Some(50),
        done: true,
    });
    assert_eq!(counts(&fx), 1, "then counts");
    app.apply(Action::Search);
    assert_eq!(app.mode, Mode::Search("evt_4".into()), "the search line starts with the current search");
    for _ in 0..5 {
        app.apply(Action::Backspace);
    }
    let fx = app.apply(Action::Submit);
    assert_eq!(loads(&fx)[0].1.text, None);
}

#[test]
fn g_loads_the_oldest_page_and_shift_g_comes_back_following() {
    let mut app = loaded(1000);
    let fx = app.apply(Action::Top);
    assert_eq!(loads(&fx).first().map(|l| l.0), Some(Anchor::Oldest));
    assert!(!app.follow);
    app.reply(Reply::Rows {
        generation: app.generation,
        anchor: Anchor::Oldest,
        rows: (1..=200).map(summary).collect(),
        head: None,
        done: true,
    });
    assert_eq!(selected(&app), 1);
    assert!(app.window.at_start && !app.window.at_end);
    let fx = app.apply(Action::Bottom);
    assert_eq!(loads(&fx).first().map(|l| l.0), Some(Anchor::Newest));
    assert!(app.follow);
}

#[test]
fn the_detail_pane_asks_for_the_selected_delivery_and_follows_the_selection() {
    let mut app = loaded(50);
    let detail_of = |fx: &[Effect]| {
        fx.iter().find_map(|e| match e {
            Effect::Query(Request::Detail { id }) => Some(id.clone()),
            _ => None,
        })
    };
    let fx = app.apply(Action::ToggleDetail);
    assert_eq!(detail_of(&fx), Some(summary(50).id));
    let fx = app.apply(Action::Up(1));
    assert_eq!(detail_of(&fx), Some(summary(49).id));
    app.apply(Action::Tab(true));
    assert_eq!(app.tab, super::detail::Tab::Body);
    app.apply(Action::ToggleDetail);
    app.apply(Action::Tab(false));
    assert!(app.detail_open);
    assert_eq!(app.tab, super::detail::Tab::Body, "Tab reopens the pane where it was");
    app.apply(Action::Back);
    assert!(!app.detail_open && app.exit.is_none(), "Esc closes the pane first");
    app.apply(Action::Back);
    assert_eq!(app.exit, Some(Exit::Success));
}

#[test]
fn keys_mean_text_while_searching_and_ctrl_c_interrupts() {
    let mut app = loaded(5);
    let press = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    assert_eq!(super::handler::key(&app, press(KeyCode::Char('q'))), Some(Action::Quit));
    app.apply(Action::Search);
    assert_eq!(super::handler::key(&app, press(KeyCode::Char('q'))), Some(Action::Input('q')));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let action = super::handler::key(&app, ctrl_c).unwrap();
    app.apply(action);
    assert_eq!(app.exit, Some(Exit::Interrupted));
}

#[test]
fn replay_needs_a_target_and_says_so() {
    let mut app = app();
    app.start();
    let mut recorded = summary(1);
    recorded.target = None;
    app.reply(Reply::Rows {
        generation: app.generation,
        anchor: Anchor::Newest,
        rows: vec![recorded],
        head: Some(1),
        done: true,
    });
    assert!(app.apply(Action::Replay).is_empty());
    let message = app.message.clone().unwrap();
    assert!(message.error && message.text.contains("only recorded"), "{message:?}");
    let mut app = loaded(3);
    assert!(matches!(app.apply(Action::Replay).as_slice(), [Effect::Replay(id)] if *id == summary(3).id));
}

#[test]
fn a_click_selects_the_row_under_it_and_the_wheel_scrolls() {
    let mut app = loaded(50);
    // Title line, then the table's header: the first row shown is on screen row 2.
    let first_shown = app.window.offset;
    let action = super::handler::mouse(
        &app,
        crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column: 5,
            row: 4,
            modifiers: KeyModifiers::NONE,
        },
    );
    assert_eq!(action, Some(Action::Click(2)));
    app.apply(action.unwrap());
    assert_eq!(app.window.selected, first_shown + 2);
    assert!(!app.follow);
}

#[test]
fn x_offers_har_or_ndjson_and_exports_what_the_filters_select() {
    let mut app = loaded(5);
    app.picked.provider = Some("github".into());
    app.refilter();
    app.apply(Action::Export);
    app.apply(Action::Down(1));
    let fx = app.apply(Action::Submit);
    let github = Filter { provider: Some("github".into()), ..Filter::default() };
    assert!(matches!(fx.as_slice(), [Effect::Export(super::app::ExportFormat::Ndjson, f)] if *f == github), "{fx:?}");
    assert_eq!(app.mode, Mode::Table);
}

#[test]
fn a_click_on_a_tab_title_shows_that_tab_and_a_picker_starts_on_the_value_picked() {
    let mut app = loaded(50);
    app.apply(Action::ToggleDetail);
    let pane = super::ui::layout(app.screen, &app).detail.expect("open");
    // ` request │ body │ attempts │ signature`: "attempts" starts at column 17.
    let click = |x| crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: pane.x + x,
        row: pane.y + 1,
        modifiers: KeyModifiers::NONE,
    };
    let action = super::handler::mouse(&app, click(18)).unwrap();
    app.apply(action);
    assert_eq!(app.tab, super::detail::Tab::Attempts);
    assert_eq!(super::handler::mouse(&app, click(2)), Some(Action::ShowTab(super::detail::Tab::Request)));

    app.picked.provider = Some("stripe".into());
    app.apply(Action::Pick(Column::Provider));
    app.reply(Reply::Values { column: Column::Provider, values: vec![("github".into(), 25), ("stripe".into(), 25)] });
    let Mode::Picker(p) = &app.mode else { panic!("a picker") };
    assert_eq!(p.selected, 2, "on stripe");
}

#[test]
fn typing_in_a_picker_narrows_it_and_enter_takes_the_highlighted_match() {
    let mut app = loaded(50);
    app.apply(Action::Pick(Column::Event));
    let values = vec![("push".into(), 9), ("pull_request".into(), 5), ("issues".into(), 2)];
    app.reply(Reply::Values { column: Column::Event, values });
    for c in "PUL".chars() {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        let action = super::handler::key(&app, key).unwrap();
        app.apply(action);
    }
    let Mode::Picker(p) = &app.mode else { panic!("a picker") };
    let shown: Vec<&str> = p.visible().iter().map(|(v, _)| v.as_str()).collect();
    assert_eq!(shown, ["(any)", "pull_request"], "case-insensitive, and (any) stays");
    app.apply(Action::Down(5));
    let fx = app.apply(Action::Submit);
    assert_eq!(loads(&fx)[0].1.event.as_deref(), Some("pull_request"));
    // Nothing matching leaves (any): Enter drops the filter.
    app.apply(Action::Pick(Column::Event));
    app.reply(Reply::Values { column: Column::Event, values: vec![("push".into(), 9)] });
    app.apply(Action::Input('z'));
    let Mode::Picker(p) = &app.mode else { panic!("a picker") };
    assert_eq!(p.visible().len(), 1);
    app.apply(Action::Backspace);
    app.apply(Action::Down(1));
    let fx = app.apply(Action::Submit);
    assert_eq!(loads(&fx)[0].1.event.as_deref(), Some("push"));
}
