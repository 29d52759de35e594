//! The rows the viewer holds: a window of at most [`WINDOW_MAX`] deliveries around
//! the selection, in `seq` order, grown a keyset page at a time at whichever edge
//! the selection nears and trimmed at the far one. A million-row log costs the same
//! memory as a thousand-row one.

use crate::store::Summary;

/// Rows asked for per keyset page.
pub const PAGE: usize = 200;
/// Rows kept around the view at most.
pub const WINDOW_MAX: usize = 1000;
/// How close (in rows) the selection comes to an edge of the window before the next page is fetched.
pub const MARGIN: usize = 60;

/// A contiguous run of the matching deliveries, oldest first, with a selection and a scroll position.
#[derive(Debug, Default, Clone)]
pub struct Window {
    /// The rows, by ascending `seq`.
    pub rows: Vec<Summary>,
    /// No matching delivery is older than the first row.
    pub at_start: bool,
    /// No matching delivery is newer than the last row (as of the last poll).
    pub at_end: bool,
    /// Index of the selected row (0 when there are none).
    pub selected: usize,
    /// Index of the first row on screen.
    pub offset: usize,
    /// Rows the screen shows at once.
    pub height: usize,
}

impl Window {
    /// The selected delivery.
    pub fn selected_row(&self) -> Option<&Summary> {
        self.rows.get(self.selected)
    }

    /// Whether the selection is on the newest matching delivery (or there is none).
    pub fn on_newest(&self) -> bool {
        self.at_end && (self.rows.is_empty() || self.selected + 1 == self.rows.len())
    }

    /// Empties the window.
    pub fn clear(&mut self) {
        self.rows.clear();
        self.selected = 0;
        self.offset = 0;
        self.at_start = false;
        self.at_end = false;
    }

    /// Selects row `index` (clamped) and scrolls it into view.
    pub fn select(&mut self, index: usize) {
        self.selected = index.min(self.rows.len().saturating_sub(1));
        self.fit();
    }

    /// Moves the selection by `delta` rows, stopping at the window's edges.
    pub fn move_by(&mut self, delta: isize) {
        self.select(self.selected.saturating_add_signed(delta));
    }

    /// Selects the newest row held.
    pub fn select_last(&mut self) {
        self.select(self.rows.len().saturating_sub(1));
    }

    /// Sets how many rows the screen shows.
    pub fn set_height(&mut self, height: usize) {
        self.height = height.max(1);
        self.fit();
    }

    /// Adds rows older than the window's first, oldest first; the selection stays on its delivery.
    /// Rows the window already holds are skipped.
    pub fn prepend(&mut self, mut older: Vec<Summary>) -> usize {
        if let Some(first) = self.rows.first() {
            older.retain(|r| r.seq < first.seq);
        }
        let n = older.len();
        if n > 0 {
            older.append(&mut self.rows);
            self.rows = older;
            if self.rows.len() > n {
                self.selected += n;
                self.offset += n;
            }
            self.trim();
        }
        n
    }

    /// Adds rows newer than the window's last, oldest first; the selection stays on its delivery.
    pub fn append(&mut self, mut newer: Vec<Summary>) -> usize {
        if let Some(last) = self.rows.last() {
            let last = last.seq;
            newer.retain(|r| r.seq > last);
        }
        let n = newer.len();
        self.rows.append(&mut newer);
        self.trim();
        n
    }

    /// Replaces held rows by fresher copies of the same deliveries (a state that moved on).
    pub fn update(&mut self, fresh: &[Summary]) {
        for f in fresh {
            if let Ok(at) = self.rows.binary_search_by_key(&f.seq, |r| r.seq) {
                self.rows[at] = f.clone();
            }
        }
    }

    /// Which edges want another page: the selection is near them and more lies beyond.
    pub fn wants(&self) -> (bool, bool) {
        let older = !self.at_start && self.selected < MARGIN;
        let newer = !self.at_end && self.rows.len().saturating_sub(self.selected) <= MARGIN;
        (older, newer)
    }

    /// Drops rows beyond [`WINDOW_MAX`] from the edge farther from the selection.
    fn trim(&mut self) {
        let extra = self.rows.len().saturating_sub(WINDOW_MAX);
        if extra == 0 {
            return;
        }
        if self.selected >= self.rows.len() / 2 {
            self.rows.drain(..extra);
            self.selected -= extra;
            self.offset = self.offset.saturating_sub(extra);
            self.at_start = false;
        } else {
            self.rows.truncate(WINDOW_MAX);
            self.at_end = false;
        }
        self.fit();
    }

    /// Keeps the selection on screen and the screen full.
    fn fit(&mut self) {
        let height = self.height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(self.rows.len().saturating_sub(height));
    }

    /// The rows on screen, with the index of the first.
    pub fn visible(&self) -> &[Summary] {
        let end = (self.offset + self.height).min(self.rows.len());
        &self.rows[self.offset.min(end)..end]
    }
}
