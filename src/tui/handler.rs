//! Keys and mouse events to [`Action`]s, by what has the keyboard. [`KEYS`] is the
//! help overlay's list, kept beside the bindings so the two cannot drift apart.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

use super::actions::Action;
use super::app::{App, Mode};
use super::ui::{Hit, hit};
use crate::store::Column;

/// Every key, as the help overlay lists it.
pub const KEYS: &[(&str, &str)] = &[
    ("j k ↓ ↑", "move down / up (up pauses following)"),
    ("PgDn PgUp ^d ^u", "a screen down / up"),
    ("g Home", "the oldest delivery"),
    ("G End", "the newest delivery, and follow"),
    ("f", "follow new deliveries on / off"),
    ("Enter", "open / close the detail pane"),
    ("Tab ⇧Tab", "next / previous detail tab (request, body, attempts, signature)"),
    ("J K", "scroll the detail pane"),
    ("/", "search headers and bodies (Enter runs it, empty clears it)"),
    ("s p e", "filter by state / provider / event (type to narrow the list, ↑↓ and Enter)"),
    ("Backspace", "clear the filters set here"),
    ("r", "replay the selected delivery to its route's target"),
    ("c", "copy the selected delivery as a curl command (OSC 52)"),
    ("y", "copy the selected delivery's body (OSC 52)"),
    ("x", "export the filtered view to a HAR or NDJSON file"),
    ("?", "this help"),
    ("q Esc", "quit (Esc closes the pane or overlay first)"),
    ("mouse", "the wheel scrolls, a click selects a row or a tab"),
];

/// The action a key asks for, given who has the keyboard.
pub fn key(app: &App, key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Interrupt);
    }
    match &app.mode {
        Mode::Search(_) => match key.code {
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Esc => Some(Action::Back),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Char(c) if !ctrl => Some(Action::Input(c)),
            _ => None,
        },
        Mode::Help => Some(Action::Help),
        // Typing narrows the list, as in fzf; arrows (or Ctrl-j/k/n/p) move.
        Mode::Picker(_) => match key.code {
            KeyCode::Char('j' | 'n') if ctrl => Some(Action::Down(1)),
            KeyCode::Char('k' | 'p') if ctrl => Some(Action::Up(1)),
            KeyCode::Down => Some(Action::Down(1)),
            KeyCode::Up => Some(Action::Up(1)),
            KeyCode::PageDown => Some(Action::PageDown),
            KeyCode::PageUp => Some(Action::PageUp),
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Esc => Some(Action::Back),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Char(c) if !ctrl => Some(Action::Input(c)),
            _ => None,
        },
        Mode::Table => table(key.code, ctrl),
    }
}

fn table(code: KeyCode, ctrl: bool) -> Option<Action> {
    Some(match code {
        KeyCode::Char('d') if ctrl => Action::PageDown,
        KeyCode::Char('u') if ctrl => Action::PageUp,
        KeyCode::Char('j') | KeyCode::Down => Action::Down(1),
        KeyCode::Char('k') | KeyCode::Up => Action::Up(1),
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Char('f') => Action::ToggleFollow,
        KeyCode::Enter => Action::ToggleDetail,
        KeyCode::Tab => Action::Tab(true),
        KeyCode::BackTab => Action::Tab(false),
        KeyCode::Char('J') => Action::Scroll(3),
        KeyCode::Char('K') => Action::Scroll(-3),
        KeyCode::Char('/') => Action::Search,
        KeyCode::Char('s') => Action::Pick(Column::State),
        KeyCode::Char('p') => Action::Pick(Column::Provider),
        KeyCode::Char('e') => Action::Pick(Column::Event),
        KeyCode::Backspace => Action::ClearFilters,
        KeyCode::Char('r') => Action::Replay,
        KeyCode::Char('c') => Action::CopyCurl,
        KeyCode::Char('y') => Action::CopyBody,
        KeyCode::Char('x') => Action::Export,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Esc => Action::Back,
        _ => return None,
    })
}

/// The action a mouse event asks for: the wheel scrolls what it is over, a click selects a row.
pub fn mouse(app: &App, event: MouseEvent) -> Option<Action> {
    let over = hit(app, event.column, event.row);
    match (event.kind, over) {
        (MouseEventKind::ScrollDown, Some(Hit::Detail)) => Some(Action::Scroll(3)),
        (MouseEventKind::ScrollUp, Some(Hit::Detail)) => Some(Action::Scroll(-3)),
        (MouseEventKind::ScrollDown, _) => Some(Action::Down(3)),
        (MouseEventKind::ScrollUp, _) => Some(Action::Up(3)),
        (MouseEventKind::Down(_), Some(Hit::Row(n))) if app.mode == Mode::Table => Some(Action::Click(n)),
        (MouseEventKind::Down(_), Some(Hit::Tab(tab))) if app.mode == Mode::Table => Some(Action::ShowTab(tab)),
        _ => None,
    }
}
