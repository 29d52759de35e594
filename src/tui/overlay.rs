//! The pop-ups over the table: a picker (filter values, export formats) and the
//! help overlay listing every key.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::app::{Choice, Picker};
use super::body::{Palette, thousands};
use super::handler::KEYS;
use crate::store::Column;

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(row);
    cell
}

/// A list to choose from, the highlighted item marked.
pub fn picker(frame: &mut Frame<'_>, picker: &Picker, p: Palette) {
    let title = match picker.choice {
        Choice::Filter(Column::State) => " filter by state ",
        Choice::Filter(Column::Provider) => " filter by provider ",
        Choice::Filter(Column::Event) => " filter by event ",
        Choice::Filter(Column::Route) => " filter by route ",
        Choice::Export => " export the filtered view as ",
    };
    let visible = picker.visible();
    let mut lines: Vec<Line<'static>> = match &picker.items {
        None => vec![Line::styled(" loading…", p.dim())],
        Some(items) if items.len() <= 1 && picker.choice != Choice::Export => {
            vec![Line::styled(" no values in the deliveries shown", p.dim())]
        }
        Some(_) => visible
            .iter()
            .enumerate()
            .map(|(i, (value, count))| {
                let count = if picker.choice == Choice::Export { String::new() } else { thousands(*count) };
                let text = format!(" {value:<32} {count:>10} ");
                if i == picker.selected {
                    Line::styled(text, Style::default().add_modifier(Modifier::REVERSED))
                } else {
                    Line::raw(text)
                }
            })
            .collect(),
    };
    let typed = (!picker.query.is_empty()).then(|| Line::styled(format!(" › {}█", picker.query), p.fg(Color::Yellow)));
    if typed.is_some() && visible.is_empty() {
        lines = vec![Line::styled(" nothing matches", p.dim())];
    }
    let above = u16::from(typed.is_some());
    let height = (lines.len() as u16 + above + 2).min(frame.area().height.saturating_sub(2)).max(4);
    let area = centered(frame.area(), 48, height);
    // Keep the highlighted item in view in a long list, under what was typed.
    let shown = height.saturating_sub(2 + above) as usize;
    let from = picker.selected.saturating_sub(shown.saturating_sub(1));
    let lines: Vec<Line<'static>> = typed.into_iter().chain(lines.into_iter().skip(from)).collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .title_bottom(Line::styled(" type to narrow · ↑↓ move · Enter choose · Esc cancel ", p.dim()))
        .border_style(p.fg(Color::Yellow));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// Every key and what it does.
pub fn help(frame: &mut Frame<'_>, p: Palette) {
    let mut lines: Vec<Line<'static>> = KEYS
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!(" {keys:<17}"), p.fg(Color::Cyan).add_modifier(Modifier::BOLD)),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(" The status bar's rates and latencies are over the rows held around the view.", p.dim()));
    let area = centered(frame.area(), 90, lines.len() as u16 + 2);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" keys ")
        .title_bottom(Line::styled(" any key closes ", p.dim()))
        .border_style(p.fg(Color::Cyan));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
