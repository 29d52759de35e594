//! XML for the detail pane: indented by nesting, a tag holding only text kept on
//! one line, comments and declarations dimmed. No XML library: it only has to
//! check that tags nest, which is what "does not parse" means here.

use ratatui::style::Color;
use ratatui::text::{Line, Span};

use super::body::Palette;

/// XML indented by nesting; a tag that holds only text stays on one line.
/// Checks that tags nest, which is what "does not parse" means here.
pub fn indent(text: &str, p: Palette) -> Result<Vec<Line<'static>>, String> {
    let tokens = xml_tokens(text)?;
    let mut stack: Vec<&str> = Vec::new();
    let mut lines = Vec::new();
    let tag_style = p.fg(Color::Cyan);
    let mut i = 0;
    while i < tokens.len() {
        let pad = "  ".repeat(stack.len());
        match tokens[i] {
            Token::Open(tag, name) => {
                // <a>text</a> on one line.
                if let (Some(Token::Text(t)), Some(Token::Close(_, close))) = (tokens.get(i + 1), tokens.get(i + 2))
                    && *close == name
                {
                    let Token::Close(end, _) = tokens[i + 2] else { unreachable!() };
                    lines.push(Line::from(vec![
                        Span::raw(pad),
                        Span::styled(tag.to_owned(), tag_style),
                        Span::raw(t.to_string()),
                        Span::styled(end.to_owned(), tag_style),
                    ]));
                    i += 3;
                    continue;
                }
                lines.push(Line::from(vec![Span::raw(pad), Span::styled(tag.to_owned(), tag_style)]));
                stack.push(name);
            }
            Token::Close(tag, name) => {
                match stack.pop() {
                    Some(open) if open == name => {}
                    Some(open) => return Err(format!("</{name}> closes <{open}>")),
                    None => return Err(format!("</{name}> closes nothing")),
                }
                let pad = "  ".repeat(stack.len());
                lines.push(Line::from(vec![Span::raw(pad), Span::styled(tag.to_owned(), tag_style)]));
            }
            Token::Other(tag) => lines.push(Line::from(vec![Span::raw(pad), Span::styled(tag.to_owned(), p.dim())])),
            Token::Text(t) => lines.push(Line::raw(format!("{pad}{t}"))),
        }
        i += 1;
    }
    match stack.pop() {
        Some(open) => Err(format!("<{open}> is never closed")),
        None => Ok(lines),
    }
}

#[derive(Debug, Clone, Copy)]
enum Token<'a> {
    /// An opening tag and its name.
    Open(&'a str, &'a str),
    /// A closing tag and its name.
    Close(&'a str, &'a str),
    /// A self-closing tag, declaration, comment, CDATA or processing instruction.
    Other(&'a str),
    /// Text between tags, trimmed; never empty.
    Text(&'a str),
}

fn xml_tokens(text: &str) -> Result<Vec<Token<'_>>, String> {
    let mut tokens = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut tokens, rest);
            break;
        };
        push_text(&mut tokens, &rest[..lt]);
        rest = &rest[lt..];
        let end_marker = if rest.starts_with("<!--") {
            "-->"
        } else if rest.starts_with("<![CDATA[") {
            "]]>"
        } else {
            ">"
        };
        let end = rest.find(end_marker).ok_or_else(|| format!("unterminated {}", preview(rest)))? + end_marker.len();
        let tag = &rest[..end];
        rest = &rest[end..];
        if let Some(inner) = tag.strip_prefix("</") {
            tokens.push(Token::Close(tag, inner.trim_end_matches('>').trim()));
        } else if tag.starts_with("<!") || tag.starts_with("<?") || tag.ends_with("/>") {
            tokens.push(Token::Other(tag));
        } else {
            let inner = &tag[1..tag.len() - 1];
            let name = inner.split(|c: char| c.is_whitespace()).next().unwrap_or("");
            if name.is_empty() {
                return Err(format!("a tag without a name: {}", preview(tag)));
            }
            tokens.push(Token::Open(tag, name));
        }
    }
    Ok(tokens)
}

fn push_text<'a>(tokens: &mut Vec<Token<'a>>, text: &'a str) {
    let t = text.trim();
    if !t.is_empty() {
        tokens.push(Token::Text(t));
    }
}

fn preview(text: &str) -> String {
    let cut: String = text.chars().take(24).collect();
    if cut.len() < text.len() { format!("{cut}…") } else { cut }
}
