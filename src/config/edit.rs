//! Editing a config file in place (comments and order kept) and writing it back safely.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table};

use super::{FileLayer, layout};
use crate::error::{UsageError, usage, usage_hint};

/// A config file loaded for editing.
#[derive(Debug)]
pub struct Editable {
    doc: DocumentMut,
}

impl Editable {
    /// Loads `path`, or an empty document when it does not exist.
    pub fn load(path: &Path) -> anyhow::Result<Editable> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(usage(format!("cannot read config file {}: {e}", path.display()))),
        };
        // Refuse to edit a file that is already broken: the user should see where.
        super::file::parse(path, &text)?;
        let doc = text.parse::<DocumentMut>().map_err(|e| usage(format!("config {}: {e}", path.display())))?;
        Ok(Editable { doc })
    }

    /// Sets a dotted key (`listen.port`, `profiles.desk.secret_env`) to a value.
    ///
    /// A table that does not exist yet is added after every other table; the
    /// comments around existing items stay where they are (see [`layout`]).
    pub fn set(&mut self, key: &str, value: toml_edit::Value) -> anyhow::Result<()> {
        let parts: Vec<&str> = key.split('.').collect();
        let (last, tables) = parts.split_last().ok_or_else(|| usage("empty key"))?;
        let existing = self.existing_prefix(tables);
        let mut new_table = (existing < tables.len()).then(|| layout::new_last_table(&mut self.doc));
        let is_new_root_key = tables.is_empty() && !self.doc.as_table().contains_key(last);
        let position = new_table.as_ref().and_then(Table::position);
        let mut table: &mut Table = self.doc.as_table_mut();
        for (i, name) in tables.iter().enumerate() {
            let entry = table.entry(name).or_insert_with(|| {
                // Only the table that receives the value gets a header; its parents stay implicit.
                let t = if i + 1 == tables.len() { new_table.take() } else { None };
                Item::Table(t.unwrap_or_else(|| {
                    let mut t = Table::new();
                    t.set_implicit(true);
                    t.set_position(position);
                    t
                }))
            });
            table = entry
                .as_table_mut()
                .ok_or_else(|| usage_hint(format!("`{name}` in {key} is not a table"), "edit the file by hand"))?;
        }
        put_value(table, last, value);
        if is_new_root_key {
            layout::lift_header(&mut self.doc, last);
        }
        Ok(())
    }

    /// How many of the leading `tables` already exist as tables.
    fn existing_prefix(&self, tables: &[&str]) -> usize {
        let mut table = self.doc.as_table();
        for (i, name) in tables.iter().enumerate() {
            match table.get(name).and_then(Item::as_table) {
                Some(t) => table = t,
                None => return i,
            }
        }
        tables.len()
    }

    /// Removes a dotted key, or a whole table; returns whether it was there.
    ///
    /// A table left empty keeps its header when comments go with it (the
    /// template's `[listen]` and the commented settings below it); a bare one goes.
    pub fn unset(&mut self, key: &str) -> bool {
        let parts: Vec<&str> = key.split('.').collect();
        let Some((last, tables)) = parts.split_last() else { return false };
        let path: layout::TablePath = tables.iter().map(|t| (t.to_string(), None)).collect();
        let Some(parent) = layout::table_mut(&mut self.doc, &path) else { return false };
        let slot = match parent.get(last) {
            Some(Item::Value(_)) => layout::Slot::Key(path.clone(), last.to_string()),
            Some(Item::Table(_)) => {
                let mut p = path.clone();
                p.push((last.to_string(), None));
                layout::Slot::Table(p)
            }
            Some(_) => return parent.remove(last).is_some(),
            None => return false,
        };
        let removed = layout::remove(&mut self.doc, &slot);
        for depth in (1..=path.len()).rev() {
            let Some(t) = layout::table_mut(&mut self.doc, &path[..depth]) else { break };
            if !t.is_empty() || !(t.is_implicit() || layout::is_bare(&self.doc, &path[..depth])) {
                break;
            }
            if let Some(parent) = layout::table_mut(&mut self.doc, &path[..depth - 1]) {
                parent.remove(&path[depth - 1].0);
            }
        }
        removed
    }

    /// Replaces (or adds) `[profiles.NAME]` with these fields. A replaced profile
    /// keeps its place and its comments: a field set again keeps its own, one no
    /// longer set goes with the comment on top of it, a new one goes last; a new
    /// profile goes after every other table.
    pub fn put_profile(&mut self, name: &str, fields: &[(&str, toml_edit::Value)]) {
        let fresh = (!self.has_profile(name)).then(|| layout::new_last_table(&mut self.doc));
        let position = fresh.as_ref().and_then(Table::position);
        let profiles = self.doc.entry("profiles").or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            t.set_position(position);
            Item::Table(t)
        });
        let Some(profiles) = profiles.as_table_mut() else { return };
        let table = match fresh {
            Some(t) => profiles.entry(name).or_insert(Item::Table(t)),
            None => profiles.entry(name).or_insert_with(|| Item::Table(Table::new())),
        };
        let Some(table) = table.as_table_mut() else { return };
        let stale: Vec<(String, bool)> = table
            .iter()
            .filter(|(key, _)| !fields.iter().any(|(f, _)| f == key))
            .map(|(key, item)| (key.to_string(), item.is_table()))
            .collect();
        let path: layout::TablePath = vec![("profiles".into(), None), (name.into(), None)];
        for (key, is_table) in stale {
            let slot = if is_table {
                let mut p = path.clone();
                p.push((key, None));
                layout::Slot::Table(p)
            } else {
                layout::Slot::Key(path.clone(), key)
            };
            layout::remove(&mut self.doc, &slot);
        }
        if let Some(table) = layout::table_mut(&mut self.doc, &path) {
            for (key, value) in fields {
                put_value(table, key, value.clone());
            }
        }
    }

    /// Whether `[profiles.NAME]` exists.
    pub fn has_profile(&self, name: &str) -> bool {
        self.doc.get("profiles").and_then(|p| p.get(name)).is_some()
    }

    /// The edited text as the layer it will be once saved to `path`; an error if it is not a valid config.
    pub fn layer(&self, path: &Path) -> anyhow::Result<FileLayer> {
        let layer = super::file::parse(path, &self.to_string()).map_err(|e| UsageError {
            message: format!("the change would make the config invalid: {}", e.message),
            ..e
        })?;
        Ok(layer)
    }

    /// Checks the edited text parses as a valid config, then writes it atomically with mode 0600.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        self.layer(path)?;
        write_private(path, self.to_string().as_bytes())
    }
}

/// The file's text as it would be saved.
impl std::fmt::Display for Editable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.doc.fmt(f)
    }
}

/// Sets `key` in `table`. A value already there is replaced in place, so the
/// comments above its key and after its value stay; a new key goes last.
fn put_value(table: &mut Table, key: &str, mut value: toml_edit::Value) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        _ => {
            table.insert(key, Item::Value(value));
        }
    }
}

/// Writes a file atomically (temp file + rename) readable only by the owner, since configs hold secrets.
///
/// A symlink is written through: the file it points to gets the new text and the
/// link stays, as a dotfile manager expects.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let path = &resolve_links(path)?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| usage(format!("cannot create {}: {e}", dir.display())))?;
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| usage(format!("cannot write in {}: {e}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| usage(format!("cannot write {}: {}", path.display(), e.error)))?;
    Ok(())
}

/// Links followed before giving up, as the kernel does (`ELOOP`).
const MAX_LINKS: usize = 40;

/// The path a chain of symlinks ends at; a path that is no link (or does not exist yet) is itself.
fn resolve_links(link: &Path) -> anyhow::Result<PathBuf> {
    let mut path = link.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::read_link(&path) {
            // A relative target is relative to the link's directory; an absolute one replaces the path.
            Ok(target) => path = path.parent().map_or(target.clone(), |dir| dir.join(&target)),
            Err(e) if matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::NotFound) => return Ok(path),
            Err(e) => return Err(usage(format!("cannot read the link {}: {e}", path.display()))),
        }
    }
    Err(usage_hint(
        format!("cannot write {}: more than {MAX_LINKS} symlinks in a row", link.display()),
        "a link probably points back at itself; check it with `ls -l`",
    ))
}

/// The commented starting config `config init` writes.
pub const TEMPLATE: &str = r#"# hooktap configuration. Layers, later wins: defaults, this file,
# ./hooktap.toml, HOOKTAP_* environment variables, command-line flags.

# Profile used when a command is given neither --profile nor --provider.
# profile = "desk"

# Retention of recorded deliveries (pruned in the background by `listen`).
# retain_days = 30
# retain_count = 100000

# Your own events: one folder per provider, each with a catalog.toml, laid out
# like fixtures/<provider>/ in the hooktap sources. Create the directory before
# setting this: until it exists, send warns and has only the built-in events.
# fixtures_dir = "~/webhook-fixtures"

[listen]
# port = 5757
# bind = "127.0.0.1"
# ack = "immediate"          # or "passthrough"
# max_body = "5MiB"
# forward_timeout = "10s"
# retries = 10
# retry_base = "1s"
# retry_max = "60s"

# A profile is a provider plus where its secret comes from: an environment
# variable (secret_env), a file (secret_file) or inline (secret; this file is kept 0600).
# [profiles.desk]
# provider = "nexadesk"
# secret_env = "NEXADESK_WEBHOOK_SECRET"

# Routes let one relay serve several providers.
# [[routes]]
# path = "/webhooks/nexadesk"
# profile = "desk"
# forward_to = "http://localhost:3000/webhooks/nexadesk"
"#;
