//! Where an edit lands in a config file, and which comments travel with it.
//!
//! toml_edit hangs every comment on the item *after* it: the comments below a
//! table's last key are the next table's prefix (or, after the last table, the
//! document's trailing text), and the comments at the top of a file are the
//! prefix of its first key or table. Adding or removing an item would therefore
//! carry off comments that belong to its neighbours; these helpers move them
//! back to where they were on the page.

use toml_edit::{DocumentMut, Item, Table};

/// A path to a table: keys, with an index for an element of an array of tables.
pub type TablePath = Vec<(String, Option<usize>)>;

/// Something printed with a comment prefix, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// `key = value` in the table at the path.
    Key(TablePath, String),
    /// The `[header]` of the table at the path.
    Table(TablePath),
    /// Whatever follows the last item of the document.
    Trailing,
}

/// The document's slots in the order toml_edit prints them.
pub fn slots(doc: &DocumentMut) -> Vec<Slot> {
    fn visit<'t>(
        table: &'t Table,
        path: &mut TablePath,
        last: &mut isize,
        aot: bool,
        out: &mut Vec<(isize, TablePath, &'t Table, bool)>,
    ) {
        if !table.is_dotted() {
            if let Some(p) = table.position() {
                *last = p;
            }
            out.push((*last, path.clone(), table, aot));
        }
        for (key, item) in table.iter() {
            match item {
                Item::Table(t) => {
                    path.push((key.to_string(), None));
                    visit(t, path, last, false, out);
                    path.pop();
                }
                Item::ArrayOfTables(a) => {
                    for (i, t) in a.iter().enumerate() {
                        path.push((key.to_string(), Some(i)));
                        visit(t, path, last, true, out);
                        path.pop();
                    }
                }
                _ => {}
            }
        }
    }
    let mut tables = Vec::new();
    visit(doc.as_table(), &mut Vec::new(), &mut 0, false, &mut tables);
    tables.sort_by_key(|(pos, path, _, _)| (!path.is_empty(), *pos));
    let mut out = Vec::new();
    for (_, path, table, aot) in tables {
        let visible = aot || !(table.is_implicit() && table.get_values().is_empty());
        if !path.is_empty() && visible {
            out.push(Slot::Table(path.clone()));
        }
        for (key, item) in table.iter() {
            if item.is_value() {
                out.push(Slot::Key(path.clone(), key.to_string()));
            }
        }
    }
    out.push(Slot::Trailing);
    out
}

/// The table at `path`.
pub fn table_mut<'d>(doc: &'d mut DocumentMut, path: &[(String, Option<usize>)]) -> Option<&'d mut Table> {
    let mut table = doc.as_table_mut();
    for (key, index) in path {
        table = match (table.get_mut(key)?, index) {
            (Item::Table(t), None) => t,
            (Item::ArrayOfTables(a), Some(i)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(table)
}

fn table<'d>(doc: &'d DocumentMut, path: &[(String, Option<usize>)]) -> Option<&'d Table> {
    let mut table = doc.as_table();
    for (key, index) in path {
        table = match (table.get(key)?, index) {
            (Item::Table(t), None) => t,
            (Item::ArrayOfTables(a), Some(i)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(table)
}

/// The comment text printed before a slot (defaults filled in).
pub fn prefix(doc: &DocumentMut, slot: &Slot) -> String {
    let raw = match slot {
        Slot::Key(path, key) => {
            table(doc, path).and_then(|t| t.key(key)).and_then(|k| k.leaf_decor().prefix()).and_then(|r| r.as_str())
        }
        Slot::Table(path) => table(doc, path).and_then(|t| t.decor().prefix()).and_then(|r| r.as_str()),
        Slot::Trailing => doc.trailing().as_str(),
    };
    match (raw, slot) {
        (Some(s), _) => s.to_string(),
        // A table header is printed after a blank line unless told otherwise.
        (None, Slot::Table(_)) => "\n".into(),
        (None, _) => String::new(),
    }
}

/// Replaces the comment text printed before a slot.
pub fn set_prefix(doc: &mut DocumentMut, slot: &Slot, text: String) {
    match slot {
        Slot::Key(path, key) => {
            if let Some(mut k) = table_mut(doc, path).and_then(|t| t.key_mut(key)) {
                k.leaf_decor_mut().set_prefix(text);
            }
        }
        Slot::Table(path) => {
            if let Some(t) = table_mut(doc, path) {
                t.decor_mut().set_prefix(text);
            }
        }
        Slot::Trailing => doc.set_trailing(text),
    }
}

/// Whether text holds a comment (anything but whitespace).
pub fn has_comment(text: &str) -> bool {
    text.contains('#')
}

/// Splits a prefix at its last blank line: the part up to it is separated from
/// the item (it belongs to what came before), the rest sits right on top of it.
pub fn split_detached(text: &str) -> (&str, &str) {
    let mut cut = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        if line.ends_with('\n') && line.trim().is_empty() {
            cut = offset;
        }
    }
    text.split_at(cut)
}

/// `a` followed by `b`, without doubling the blank line between them.
fn join(a: &str, b: &str) -> String {
    let mut a = a.to_string();
    if !a.is_empty() && !a.ends_with('\n') {
        a.push('\n');
    }
    let mut b = b;
    if a.ends_with("\n\n") || a == "\n" {
        while let Some((line, rest)) = b.split_once('\n') {
            if !line.trim().is_empty() {
                break;
            }
            b = rest;
        }
    }
    a + b
}

/// Puts `text` in front of whatever is printed before `slot`.
pub fn prepend(doc: &mut DocumentMut, slot: &Slot, text: &str) {
    let joined = join(text, &prefix(doc, slot));
    set_prefix(doc, slot, joined);
}

/// The next position after every table, so a new table prints last.
pub fn next_position(doc: &DocumentMut) -> isize {
    fn max(table: &Table) -> isize {
        table
            .iter()
            .map(|(_, item)| match item {
                Item::Table(t) => t.position().unwrap_or(0).max(max(t)),
                Item::ArrayOfTables(a) => a.iter().map(|t| t.position().unwrap_or(0).max(max(t))).max().unwrap_or(0),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }
    max(doc.as_table()) + 1
}

/// A new table that prints after every other one. The comments after the
/// previous last table (the document's trailing text) stay above the new header,
/// where they were, instead of moving below the new table's keys.
pub fn new_last_table(doc: &mut DocumentMut) -> Table {
    let mut table = Table::new();
    table.set_position(Some(next_position(doc)));
    let trailing = doc.trailing().as_str().unwrap_or("").to_string();
    if has_comment(&trailing) {
        table.decor_mut().set_prefix(join(&trailing, "\n"));
        doc.set_trailing("");
    }
    table
}

/// After a first top-level `key = value` went into a document whose opening
/// comments sit on its first table: moves the comments separated from that
/// table by a blank line (the file's header) onto the new key, so they stay on top.
pub fn lift_header(doc: &mut DocumentMut, key: &str) {
    let values = doc.as_table().get_values();
    if values.len() != 1 || values[0].0.first().is_none_or(|k| k.get() != key) {
        return;
    }
    let Some(first) = slots(doc).into_iter().find(|s| !matches!(s, Slot::Key(..))) else { return };
    let text = prefix(doc, &first);
    let (header, attached) = match first {
        Slot::Trailing => (text.as_str(), ""),
        _ => split_detached(&text),
    };
    if !has_comment(header) {
        // Still set the new key apart from the table that used to open the file.
        if matches!(first, Slot::Table(_)) && !text.starts_with('\n') {
            set_prefix(doc, &first, join("\n", &text));
        }
        return;
    }
    let header = join(header, "\n");
    let rest = match first {
        Slot::Trailing => String::new(),
        _ => join("\n", attached),
    };
    set_prefix(doc, &first, rest);
    if let Some(mut k) = doc.as_table_mut().key_mut(key) {
        k.leaf_decor_mut().set_prefix(header);
    }
}

/// Whether the table at `path` carries no comment: none above or beside its
/// header, and none below it before the next item.
pub fn is_bare(doc: &DocumentMut, path: &[(String, Option<usize>)]) -> bool {
    let Some(t) = table(doc, path) else { return false };
    let own =
        [t.decor().prefix(), t.decor().suffix()].into_iter().flatten().filter_map(|r| r.as_str()).any(has_comment);
    let order = slots(doc);
    let below = order
        .iter()
        .position(|s| matches!(s, Slot::Table(p) if p == path))
        .and_then(|at| order.get(at + 1))
        .is_some_and(|next| has_comment(&prefix(doc, next)));
    !own && !below
}

/// Removes a key or a whole table, handing the comments above it that are not
/// its own to whatever now follows. The first item of the file gives up all its
/// comments: that is the file's header. Returns whether something was removed.
pub fn remove(doc: &mut DocumentMut, slot: &Slot) -> bool {
    let order = slots(doc);
    // An invisible (implicit, empty) table is not in the order and has no comments to hand on.
    let at = order.iter().position(|s| s == slot);
    let text = prefix(doc, slot);
    let keep = match at {
        Some(0) => text.as_str(),
        Some(_) => split_detached(&text).0,
        None => "",
    };
    let keep = keep[..keep.rfind('\n').map_or(0, |i| i + 1)].to_string();
    let inside = |s: &Slot| match (slot, s) {
        (Slot::Table(gone), Slot::Table(p) | Slot::Key(p, _)) => p.starts_with(gone),
        _ => false,
    };
    let next =
        order[at.map_or(order.len(), |a| a + 1)..].iter().find(|s| !inside(s)).cloned().unwrap_or(Slot::Trailing);
    let removed = match slot {
        Slot::Key(path, key) => table_mut(doc, path).and_then(|t| t.remove(key)).is_some(),
        Slot::Table(path) => match path.split_last() {
            Some(((key, None), parent)) => table_mut(doc, parent).and_then(|t| t.remove(key)).is_some(),
            _ => false,
        },
        Slot::Trailing => false,
    };
    if removed && has_comment(&keep) {
        if next == Slot::Trailing && prefix(doc, &next).trim().is_empty() {
            // Nothing follows: no blank line is needed before a header that is gone.
            set_prefix(doc, &next, format!("{}\n", keep.trim_end()));
        } else {
            prepend(doc, &next, &keep);
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detached_part_ends_at_the_last_blank_line() {
        assert_eq!(split_detached("# a\n\n# b\n"), ("# a\n\n", "# b\n"));
        assert_eq!(split_detached("# b\n"), ("", "# b\n"));
        assert_eq!(split_detached("# a\n\n"), ("# a\n\n", ""));
        assert_eq!(join("# a\n\n", "\n\n# b\n"), "# a\n\n# b\n");
    }

    #[test]
    fn slots_follow_print_order() {
        let doc: DocumentMut = "a = 1\n[x]\nb = 2\n[[r]]\np = 1\n".parse().unwrap();
        let path = |k: &str, i| vec![(k.to_string(), i)];
        assert_eq!(
            slots(&doc),
            [
                Slot::Key(vec![], "a".into()),
                Slot::Table(path("x", None)),
                Slot::Key(path("x", None), "b".into()),
                Slot::Table(path("r", Some(0))),
                Slot::Key(path("r", Some(0)), "p".into()),
                Slot::Trailing,
            ]
        );
    }
}
