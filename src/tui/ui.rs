//! Drawing the [`App`]: a pure function of the state, so a `TestBackend` sees
//! exactly what a terminal would. Title line, table, detail pane, the message or
//! search line, the status bar, and the picker and help overlays.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState, Tabs};

use super::app::{App, Mode};
use super::body::Palette;
use super::detail::Tab;
use super::stats::{self, human_size, latency};
use crate::provider::SignatureState;
use crate::store::{State, Summary};

/// Where each part of the screen is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// The title line.
    pub title: Rect,
    /// The table, its header included.
    pub table: Rect,
    /// The detail pane, when open.
    pub detail: Option<Rect>,
    /// The message or search line.
    pub line: Rect,
    /// The status bar.
    pub status: Rect,
}

/// Splits the screen.
pub fn layout(area: Rect, app: &App) -> Areas {
    let [title, body, line, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(2), Constraint::Length(1), Constraint::Length(1)])
            .areas(area);
    if !app.detail_open {
        return Areas { title, table: body, detail: None, line, status };
    }
    let table_height = (body.height * 2 / 5).max(6).min(body.height);
    let [table, detail] = Layout::vertical([Constraint::Length(table_height), Constraint::Min(0)]).areas(body);
    Areas { title, table, detail: Some(detail), line, status }
}

/// What a point on the screen is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// The n-th row shown in the table.
    Row(usize),
    /// A tab's title in the detail pane.
    Tab(Tab),
    /// The detail pane.
    Detail,
}

/// What is at column `x`, row `y`.
pub fn hit(app: &App, x: u16, y: u16) -> Option<Hit> {
    let areas = layout(app.screen, app);
    let inside = |r: Rect| x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
    if let Some(detail) = areas.detail.filter(|d| inside(*d)) {
        // Below the pane's top border, the tab titles: ` request │ body │ …`.
        if y == detail.y + 1 {
            let mut start = detail.x;
            for tab in Tab::ALL {
                let end = start + tab.title().len() as u16 + 2;
                if (start..end).contains(&x) {
                    return Some(Hit::Tab(tab));
                }
                start = end + 1;
            }
        }
        return Some(Hit::Detail);
    }
    // The first line of the table is its header.
    (inside(areas.table) && y > areas.table.y).then(|| Hit::Row((y - areas.table.y - 1) as usize))
}

/// Draws the whole screen.
pub fn render(frame: &mut Frame<'_>, app: &App) {
    let areas = layout(frame.area(), app);
    let p = Palette::new(app.color);
    frame.render_widget(Paragraph::new(title(app, p)), areas.title);
    table(frame, app, areas.table, p);
    if let Some(area) = areas.detail {
        detail(frame, app, area, p);
    }
    frame.render_widget(Paragraph::new(message_line(app, p)), areas.line);
    let relay = relay(app, p);
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(relay.width() as u16 + 1)]).areas(areas.status);
    frame.render_widget(Paragraph::new(status(app, p)), left);
    frame.render_widget(Paragraph::new(relay).right_aligned(), right);
    match &app.mode {
        Mode::Picker(picker) => super::overlay::picker(frame, picker, p),
        Mode::Help => super::overlay::help(frame, p),
        _ => {}
    }
}

fn title(app: &App, p: Palette) -> Line<'static> {
    let mut spans = vec![
        Span::styled(" hooktap tail ", Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)),
        Span::raw(format!("  {}", app.db.display())),
    ];
    let f = &app.filter;
    let mut chips: Vec<String> = Vec::new();
    if let Some(s) = f.state {
        chips.push(format!("state={s}"));
    }
    if let Some((lo, hi)) = f.status {
        chips.push(if lo == hi { format!("status={lo}") } else { format!("status={}xx", lo / 100) });
    }
    for (name, value) in [("provider", &f.provider), ("event", &f.event), ("route", &f.route)] {
        if let Some(v) = value {
            chips.push(format!("{name}={v}"));
        }
    }
    if let Some(s) = f.source {
        chips.push(format!("source={s}"));
    }
    if f.since.is_some() || f.until.is_some() {
        chips.push("time range".into());
    }
    if let Some(n) = f.last {
        chips.push(format!("last {n}"));
    }
    if let Some(t) = &f.text {
        chips.push(format!("/{t}"));
    }
    if !chips.is_empty() {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(chips.join(" "), p.fg(Color::Yellow).add_modifier(Modifier::BOLD)));
    }
    spans.push(Span::styled("  ? help", p.dim()));
    Line::from(spans)
}

fn state_color(state: State) -> Color {
    match state {
        State::Forwarded => Color::Green,
        State::Recorded => Color::Blue,
        State::Pending => Color::Yellow,
        State::Failed | State::Dead => Color::Red,
        State::Rejected => Color::Magenta,
    }
}

/// The table's columns, and the widest screen each needs to be shown: on a
/// narrow terminal the id, then the source and size, give their room to the event.
const COLUMNS: [(&str, Constraint, u16); 10] = [
    ("time", Constraint::Length(11), 0),
    ("source", Constraint::Length(6), 100),
    ("provider", Constraint::Length(10), 0),
    ("event", Constraint::Max(28), 0),
    ("sig", Constraint::Length(3), 0),
    ("state", Constraint::Length(9), 0),
    ("status", Constraint::Length(6), 0),
    ("latency", Constraint::Length(8), 0),
    ("size", Constraint::Length(6), 100),
    ("id", Constraint::Fill(1), 120),
];

fn row(r: &Summary, today: chrono::NaiveDate, p: Palette, shown: &[bool]) -> Row<'static> {
    let at = chrono::DateTime::from_timestamp_millis(r.received_at).unwrap_or_default().with_timezone(&chrono::Local);
    let time =
        if at.date_naive() == today { at.format("%H:%M:%S").to_string() } else { at.format("%m-%d %H:%M").to_string() };
    let (mark, mark_color) = match r.signature {
        SignatureState::Valid => ("✓", Color::Green),
        SignatureState::Invalid | SignatureState::Missing => ("✗", Color::Red),
        SignatureState::Unchecked => ("·", Color::DarkGray),
    };
    let (status, status_color) = match (r.last_status, &r.last_error) {
        (Some(s), _) if (200..300).contains(&s) => (s.to_string(), Color::Green),
        (Some(s), _) if s < 500 => (s.to_string(), Color::Yellow),
        (Some(s), _) => (s.to_string(), Color::Red),
        (None, Some(_)) => ("err".into(), Color::Red),
        (None, None) => ("-".into(), Color::DarkGray),
    };
    let cells = [
        Span::raw(time),
        Span::styled(r.source.as_str(), p.dim()),
        Span::raw(r.provider.clone().unwrap_or_else(|| "-".into())),
        Span::raw(r.event.clone().unwrap_or_else(|| "-".into())),
        Span::styled(mark, p.fg(mark_color)),
        Span::styled(r.state.as_str(), p.fg(state_color(r.state))),
        Span::styled(status, p.fg(status_color)),
        Span::raw(r.last_duration_us.map(latency).unwrap_or_default()),
        Span::raw(human_size(r.body_size)),
        Span::styled(r.id.clone(), p.dim()),
    ];
    Row::new(cells.into_iter().zip(shown).filter(|(_, s)| **s).map(|(c, _)| c))
}

fn table(frame: &mut Frame<'_>, app: &App, area: Rect, p: Palette) {
    let today = chrono::Local::now().date_naive();
    let shown: Vec<bool> = COLUMNS.iter().map(|(_, _, needs)| area.width >= *needs).collect();
    let rows: Vec<Row<'static>> = app.window.visible().iter().map(|r| row(r, today, p, &shown)).collect();
    let columns = || COLUMNS.iter().zip(&shown).filter(|(_, s)| **s).map(|(c, _)| c);
    let header = Row::new(columns().map(|(name, _, _)| *name))
        .style(Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let widths: Vec<Constraint> = columns().map(|(_, width, _)| *width).collect();
    let highlight = if app.color {
        Style::default().bg(Color::DarkGray).add_modifier(Modifier::BOLD)
    } else {
        Style::default().add_modifier(Modifier::REVERSED)
    };
    let empty = app.window.rows.is_empty();
    let table = Table::new(rows, widths).header(header).row_highlight_style(highlight).highlight_symbol("▌");
    let mut state = TableState::default();
    if !empty {
        state.select(Some(app.window.selected.saturating_sub(app.window.offset)));
    }
    frame.render_stateful_widget(table, area, &mut state);
    if empty && area.height > 2 {
        let text = if app.main_load.is_some() {
            match &app.filter.text {
                Some(t) => format!("searching headers and bodies for {t:?}…{}", read_so_far(app)),
                None => "loading…".to_owned(),
            }
        } else if app.filter.is_empty() {
            "no deliveries yet: they appear here as `hooktap listen` records them".to_owned()
        } else {
            "no delivery matches (Backspace clears the filters set here)".to_owned()
        };
        let at = Rect { y: area.y + 2, height: 1, ..area };
        frame.render_widget(Paragraph::new(Span::styled(format!("  {text}"), p.dim())), at);
    }
}

fn detail(frame: &mut Frame<'_>, app: &App, area: Rect, p: Palette) {
    let titles: Vec<&str> = Tab::ALL.iter().map(|t| t.title()).collect();
    let at = Tab::ALL.iter().position(|t| *t == app.tab).unwrap_or(0);
    let id = app.window.selected_row().map(|r| r.id.clone()).unwrap_or_default();
    let block = Block::default().borders(Borders::TOP).title(Span::styled(format!(" {id} "), p.dim()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let selected = p.fg(Color::Yellow).add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    frame.render_widget(Tabs::new(titles).select(at).highlight_style(selected), tabs);
    let lines: Vec<Line<'static>> = match &app.detail {
        Some(d) if d.delivery.id == id => {
            let all = d.lines(app.tab);
            let from = (app.detail_scroll as usize).min(all.len().saturating_sub(1));
            all[from..(from + body.height as usize).min(all.len())].to_vec()
        }
        _ if id.is_empty() => vec![Line::styled("nothing selected", p.dim())],
        _ => vec![Line::styled("loading…", p.dim())],
    };
    frame.render_widget(Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }), body);
}

fn message_line(app: &App, p: Palette) -> Line<'static> {
    if let Mode::Search(text) = &app.mode {
        return Line::from(vec![
            Span::styled("/", p.fg(Color::Yellow).add_modifier(Modifier::BOLD)),
            Span::raw(text.clone()),
            Span::styled("█", Style::default().add_modifier(Modifier::SLOW_BLINK)),
            Span::styled("   Enter search headers and bodies · Esc cancel · empty Enter clears", p.dim()),
        ]);
    }
    match &app.message {
        Some(m) if m.error => Line::styled(m.text.clone(), p.fg(Color::Red).add_modifier(Modifier::BOLD)),
        Some(m) => Line::styled(m.text.clone(), p.fg(Color::Cyan)),
        None => match (&app.filter.text, app.main_load) {
            (Some(t), Some(load)) => Line::styled(
                format!("searching for {t:?}: {} found so far{}", load.received, read_so_far(app)),
                p.fg(Color::Yellow),
            ),
            _ => Line::default(),
        },
    }
}

/// ` (35% of the log read)` while a search reads, or nothing.
fn read_so_far(app: &App) -> String {
    match app.progress {
        Some((scanned, span)) if span > 0 => format!(" ({}% of the log read)", scanned * 100 / span),
        _ => String::new(),
    }
}

fn status(app: &App, p: Palette) -> Line<'static> {
    let mut spans = Vec::new();
    if app.follow {
        spans.push(Span::styled(" FOLLOW ", p.fg(Color::Green).add_modifier(Modifier::BOLD | Modifier::REVERSED)));
    } else {
        let new = if app.unseen > 0 { format!(" · {} new", app.unseen) } else { String::new() };
        let text = format!(" PAUSED{new} (f or G follows) ");
        spans.push(Span::styled(text, p.fg(Color::Yellow).add_modifier(Modifier::BOLD | Modifier::REVERSED)));
    }
    let known = |n: Option<i64>| n.map_or_else(|| "…".to_owned(), super::body::thousands);
    let mut text = format!(" {} total · {} shown", known(app.counts.total), known(app.counts.shown));
    if let Some(m) = app.counts.per_minute {
        text.push_str(&format!(" · {m}/min"));
    }
    let s = stats::of(&app.window.rows);
    if let Some(rate) = s.failure_rate {
        text.push_str(&format!(" · {:.1}% failed", rate * 100.0));
    }
    if let (Some(p50), Some(p95)) = (s.p50_us, s.p95_us) {
        text.push_str(&format!(" · p50 {} p95 {}", latency(p50), latency(p95)));
    }
    spans.push(Span::raw(text));
    Line::from(spans)
}

/// Whether a relay runs on the database: the status bar's right end, never cut.
fn relay(app: &App, p: Palette) -> Line<'static> {
    match &app.relay {
        Some(Some(r)) => Line::styled(
            format!("● relay running (pid {}{}) ", r.pid, r.url.as_ref().map(|u| format!(", {u}")).unwrap_or_default()),
            p.fg(Color::Green),
        ),
        Some(None) => Line::styled("○ no relay running ", p.fg(Color::Yellow)),
        None => Line::default(),
    }
}
