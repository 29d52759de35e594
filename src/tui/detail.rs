//! One delivery in full, as the detail pane's tabs show it: rendered once, on a
//! worker thread, when the delivery is selected; the UI only draws the lines.

use http::HeaderMap;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::body::{self, Palette, thousands};
use crate::config::Config;
use crate::store::{Attempt, Delivery};

/// The detail pane's tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Method, path, query, headers.
    Request,
    /// The body, formatted.
    Body,
    /// Each forward or replay and its answer.
    Attempts,
    /// The signature check, recorded and redone.
    Signature,
}

impl Tab {
    /// Every tab, in order.
    pub const ALL: [Tab; 4] = [Tab::Request, Tab::Body, Tab::Attempts, Tab::Signature];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Request => "request",
            Tab::Body => "body",
            Tab::Attempts => "attempts",
            Tab::Signature => "signature",
        }
    }

    /// The next (or previous) tab, wrapping around.
    pub fn step(self, forward: bool) -> Tab {
        let at = Tab::ALL.iter().position(|t| *t == self).unwrap_or(0);
        let n = Tab::ALL.len();
        Tab::ALL[if forward { (at + 1) % n } else { (at + n - 1) % n }]
    }
}

/// A delivery and its tabs' lines.
#[derive(Debug, Clone)]
pub struct Detail {
    /// The delivery.
    pub delivery: Delivery,
    /// Its attempts, oldest first.
    pub attempts: Vec<Attempt>,
    /// The lines of each tab, in [`Tab::ALL`] order.
    pub tabs: [Vec<Line<'static>>; 4],
}

impl Detail {
    /// The lines of `tab`.
    pub fn lines(&self, tab: Tab) -> &[Line<'static>] {
        &self.tabs[Tab::ALL.iter().position(|t| *t == tab).unwrap_or(0)]
    }
}

/// Renders every tab of a delivery.
pub fn build(delivery: Delivery, attempts: Vec<Attempt>, config: &Config, color: bool) -> Detail {
    let p = Palette::new(color);
    let ct = delivery.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let body = body::render(&delivery.body, ct, color);
    let signature = super::signature::explain(&delivery, config).into_iter().map(Line::raw).collect();
    let tabs = [request(&delivery, p), body, attempt_lines(&attempts, p), signature];
    Detail { delivery, attempts, tabs }
}

fn field(name: &str, value: String, p: Palette) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{name:<10}"), p.fg(Color::Cyan)), Span::raw(value)])
}

fn heading(text: String) -> Line<'static> {
    Line::styled(text, Style::default().add_modifier(Modifier::BOLD))
}

fn request(d: &Delivery, p: Palette) -> Vec<Line<'static>> {
    let mut target = d.path.clone();
    if let Some(q) = &d.query {
        target.push('?');
        target.push_str(q);
    }
    let mut lines = vec![heading(format!("{} {target}", d.method))];
    lines.push(field("id", d.id.clone(), p));
    let when = chrono::DateTime::from_timestamp_millis(d.received_at).unwrap_or_default().with_timezone(&chrono::Local);
    let from = d.remote_addr.as_ref().map(|a| format!(" from {a}")).unwrap_or_default();
    lines.push(field("received", format!("{}{from}", when.format("%Y-%m-%d %H:%M:%S%.3f %Z")), p));
    lines.push(field("source", d.source.as_str().to_owned(), p));
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    lines.push(field("route", format!("{} → {}", opt(&d.route), opt(&d.target)), p));
    let mut provider = format!("{}  event {}", opt(&d.provider), opt(&d.event));
    if let Some(id) = &d.provider_delivery_id {
        provider.push_str(&format!("  delivery id {id}"));
    }
    lines.push(field("provider", provider, p));
    let mut state = format!("{} after {} attempt{}", d.state, d.attempts, if d.attempts == 1 { "" } else { "s" });
    if let Some(dup) = &d.duplicate_of {
        state.push_str(&format!("  duplicate of {dup}"));
    }
    if let Some(orig) = &d.replay_of {
        state.push_str(&format!("  replay of {orig}"));
    }
    lines.push(field("state", state, p));
    if let Some(q) = d.query.as_deref().filter(|q| !q.is_empty()) {
        lines.push(Line::raw(""));
        lines.push(heading("query".into()));
        for pair in q.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (k, v) = (crate::tail::har::decode(k), crate::tail::har::decode(v));
            lines.push(Line::from(vec![
                Span::styled(format!("  {k}"), p.fg(Color::Cyan)),
                Span::raw(format!(" = {v}")),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(heading(format!("headers ({}, {} bytes of body)", d.headers.len(), thousands(d.body_size))));
    lines.extend(headers(&d.headers, p));
    lines
}

/// Headers as `name: value` lines, in the order they were stored.
pub fn headers(h: &HeaderMap, p: Palette) -> Vec<Line<'static>> {
    h.iter()
        .map(|(name, value)| {
            Line::from(vec![
                Span::styled(format!("  {name}"), p.fg(Color::Cyan)),
                Span::raw(format!(": {}", String::from_utf8_lossy(value.as_bytes()))),
            ])
        })
        .collect()
}

fn attempt_lines(attempts: &[Attempt], p: Palette) -> Vec<Line<'static>> {
    if attempts.is_empty() {
        return vec![Line::raw("no attempts: this delivery was recorded, not forwarded")];
    }
    let mut lines = Vec::new();
    for (i, a) in attempts.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        let when =
            chrono::DateTime::from_timestamp_millis(a.started_at).unwrap_or_default().with_timezone(&chrono::Local);
        let took = a.duration_us.map(|us| format!("  {:.1} ms", us as f64 / 1000.0)).unwrap_or_default();
        let (status, style) = match a.status {
            Some(s) if (200..300).contains(&s) => (s.to_string(), p.fg(Color::Green)),
            Some(s) => (s.to_string(), p.fg(Color::Red)),
            None => ("no answer".to_owned(), p.fg(Color::Red)),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("#{} {} → {}  ", i + 1, a.kind, a.target),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::styled(status, style),
            Span::raw(format!("{took}  at {}", when.format("%H:%M:%S%.3f"))),
        ]));
        if let Some(e) = &a.error {
            lines.push(Line::styled(format!("  error: {e}"), p.fg(Color::Red)));
        }
        lines.extend(headers(&a.response_headers, p));
        if a.status.is_some() {
            let ct = a.response_headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
            let mut body = body::render(&a.response_body, ct, p_color(p));
            if let Some(size) = a.response_size.filter(|s| *s > a.response_body.len() as i64) {
                body.push(Line::styled(
                    format!(
                        "  (kept the first {} of {} bytes)",
                        thousands(a.response_body.len() as i64),
                        thousands(size)
                    ),
                    p.dim(),
                ));
            }
            lines.extend(body.into_iter().map(|l| indent(l, "  ")));
        }
    }
    lines
}

fn p_color(p: Palette) -> bool {
    p.fg(Color::Red).fg.is_some()
}

fn indent(mut line: Line<'static>, pad: &'static str) -> Line<'static> {
    line.spans.insert(0, Span::raw(pad));
    line
}
