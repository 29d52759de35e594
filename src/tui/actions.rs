//! What each [`Action`] does to the [`App`]: moving, jumping, following,
//! filtering, searching, the detail pane, and the commands that leave the viewer
//! (replay, copy, export) as effects.

use super::app::{ANY, App, Choice, Effect, ExportFormat, Mode, Picker};
use super::worker::{Anchor, Request};
use crate::error::Exit;
use crate::store::{Column, State};

/// Something the user asked for, whatever key or click asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Selection up (older) by n rows.
    Up(usize),
    /// Selection down (newer) by n rows.
    Down(usize),
    /// A screen up.
    PageUp,
    /// A screen down.
    PageDown,
    /// The oldest matching delivery.
    Top,
    /// The newest, following.
    Bottom,
    /// Open or close the detail pane.
    ToggleDetail,
    /// Close what is open, or quit.
    Back,
    /// The next (true) or previous detail tab.
    Tab(bool),
    /// Show this detail tab.
    ShowTab(super::detail::Tab),
    /// Scroll the detail pane by n lines.
    Scroll(i32),
    /// Start typing a search.
    Search,
    /// A typed character.
    Input(char),
    /// Delete the last typed character.
    Backspace,
    /// Take the typed text or the highlighted item.
    Submit,
    /// Pick a value of a column to filter by.
    Pick(Column),
    /// Choose a format and export the view.
    Export,
    /// Follow on or off.
    ToggleFollow,
    /// Re-send the selected delivery.
    Replay,
    /// Copy the selected delivery as curl.
    CopyCurl,
    /// Copy the selected delivery's body.
    CopyBody,
    /// The help overlay.
    Help,
    /// Drop the filters set in the viewer.
    ClearFilters,
    /// Select the n-th row on screen.
    Click(usize),
    /// Quit.
    Quit,
    /// Ctrl-C.
    Interrupt,
}

impl App {
    /// Carries out an action; returns what the run loop must do.
    pub fn apply(&mut self, action: Action) -> Vec<Effect> {
        let mut fx = Vec::new();
        let page = self.window.height.saturating_sub(1).max(1);
        match action {
            Action::Up(n) => self.move_by(-(n as isize), &mut fx),
            Action::Down(n) => self.move_by(n as isize, &mut fx),
            Action::PageUp => self.move_by(-(page as isize), &mut fx),
            Action::PageDown => self.move_by(page as isize, &mut fx),
            Action::Click(n) => {
                let to = self.window.offset + n;
                if to < self.window.rows.len() {
                    self.move_by(to as isize - self.window.selected as isize, &mut fx);
                }
            }
            Action::Top if self.window.at_start => self.move_by(-(self.window.selected as isize), &mut fx),
            Action::Top => fx.push(self.load(Anchor::Oldest)),
            Action::Bottom if self.window.at_end => {
                self.window.select_last();
                self.follow = true;
                self.unseen = 0;
                self.after_move(&mut fx);
            }
            Action::Bottom => fx.push(self.load(Anchor::Newest)),
            Action::ToggleFollow if self.follow => self.follow = false,
            Action::ToggleFollow => return self.apply(Action::Bottom),
            Action::ToggleDetail => {
                self.detail_open = !self.detail_open;
                self.resize(self.screen);
                self.after_move(&mut fx);
            }
            Action::Tab(forward) => {
                // Closed, Tab opens the pane on the tab it last showed.
                if self.detail_open {
                    self.tab = self.tab.step(forward);
                }
                self.detail_open = true;
                self.detail_scroll = 0;
                self.resize(self.screen);
                self.after_move(&mut fx);
            }
            Action::ShowTab(tab) => {
                self.tab = tab;
                self.detail_scroll = 0;
            }
            Action::Scroll(n) => {
                // No further than the last line: scrolling back must not first undo an overshoot.
                let lines = self.detail.as_ref().map_or(0, |d| d.lines(self.tab).len());
                let last = u16::try_from(lines.saturating_sub(1)).unwrap_or(u16::MAX);
                self.detail_scroll = self.detail_scroll.saturating_add_signed(n as i16).min(last);
            }
            Action::Back => match &self.mode {
                Mode::Table if self.detail_open => {
                    self.detail_open = false;
                    self.resize(self.screen);
                }
                Mode::Table => self.exit = Some(Exit::Success),
                _ => self.mode = Mode::Table,
            },
            Action::Quit => match self.mode {
                Mode::Table => self.exit = Some(Exit::Success),
                _ => self.mode = Mode::Table,
            },
            Action::Interrupt => self.exit = Some(Exit::Interrupted),
            Action::Help => self.mode = if self.mode == Mode::Help { Mode::Table } else { Mode::Help },
            Action::Search => self.mode = Mode::Search(self.picked.text.clone().unwrap_or_default()),
            Action::Input(c) => match &mut self.mode {
                Mode::Search(text) => text.push(c),
                Mode::Picker(p) => {
                    p.query.push(c);
                    p.selected = 0;
                }
                _ => {}
            },
            Action::Backspace => match &mut self.mode {
                Mode::Search(text) => {
                    text.pop();
                }
                Mode::Picker(p) => {
                    p.query.pop();
                    p.selected = 0;
                }
                Mode::Table => return self.apply(Action::ClearFilters),
                _ => {}
            },
            Action::Submit => return self.submit(),
            Action::Pick(column) => {
                let mut filter = self.filter.clone();
                match column {
                    Column::State => filter.state = None,
                    Column::Provider => filter.provider = None,
                    Column::Event => filter.event = None,
                    Column::Route => filter.route = None,
                }
                filter.last = None;
                self.mode = Mode::Picker(Picker::new(Choice::Filter(column), None));
                fx.push(Effect::Query(Request::Values { column, filter }));
            }
            Action::Export => {
                let items = vec![("HAR 1.2 file (.har)".to_owned(), 0), ("NDJSON file (.ndjson)".to_owned(), 0)];
                self.mode = Mode::Picker(Picker::new(Choice::Export, Some(items)));
            }
            Action::ClearFilters if self.picked != Default::default() => {
                self.picked = Default::default();
                return self.refilter();
            }
            Action::ClearFilters => {}
            Action::Replay => match self.window.selected_row() {
                Some(r) if r.target.is_none() => self.notice(
                    format!("replay: {} was only recorded; there is no route target to replay it to", r.id),
                    true,
                ),
                Some(r) => {
                    let id = r.id.clone();
                    self.notice(format!("replaying {id} to {}…", r.target.as_deref().unwrap_or("?")), false);
                    fx.push(Effect::Replay(id));
                }
                None => {}
            },
            Action::CopyCurl => return self.copy(false),
            Action::CopyBody => return self.copy(true),
        }
        fx
    }

    /// Moves the selection within a picker, or the table's.
    fn move_by(&mut self, delta: isize, fx: &mut Vec<Effect>) {
        if let Mode::Picker(p) = &mut self.mode {
            let n = p.visible().len();
            p.selected = p.selected.saturating_add_signed(delta).min(n.saturating_sub(1));
            return;
        }
        self.window.move_by(delta);
        // Following is being on the newest row: leaving it pauses, coming back resumes.
        let on_newest = self.window.on_newest();
        if on_newest && !self.follow {
            self.unseen = 0;
        }
        self.follow = on_newest;
        self.after_move(fx);
    }

    fn load(&mut self, anchor: Anchor) -> Effect {
        self.jump(anchor);
        Effect::Query(Request::Load { generation: self.generation, filter: self.filter.clone(), anchor })
    }

    fn submit(&mut self) -> Vec<Effect> {
        match std::mem::replace(&mut self.mode, Mode::Table) {
            Mode::Search(text) => {
                let text = Some(text).filter(|t| !t.is_empty());
                if text == self.picked.text {
                    return Vec::new();
                }
                self.picked.text = text;
                self.refilter()
            }
            Mode::Picker(p) => {
                let Some((value, _)) = p.visible().get(p.selected).map(|item| (*item).clone()) else {
                    // Nothing matches what was typed: stay, so it can be corrected.
                    self.mode = Mode::Picker(p);
                    return Vec::new();
                };
                if p.choice == Choice::Export {
                    let format = if value.starts_with("HAR") { ExportFormat::Har } else { ExportFormat::Ndjson };
                    return vec![Effect::Export(format, self.filter.clone())];
                }
                let value = Some(value).filter(|v| v != ANY);
                match p.choice {
                    Choice::Export => {}
                    Choice::Filter(Column::State) => {
                        self.picked.state = value.filter(|v| State::parse(v).is_some());
                    }
                    Choice::Filter(Column::Provider) => self.picked.provider = value,
                    Choice::Filter(Column::Event) => self.picked.event = value,
                    Choice::Filter(Column::Route) => {}
                }
                self.refilter()
            }
            other => {
                self.mode = other;
                Vec::new()
            }
        }
    }
}
