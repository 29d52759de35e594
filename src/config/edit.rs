//! Editing a config file in place (comments and order kept) and writing it back safely.

use std::io::Write;
use std::path::Path;

use toml_edit::{DocumentMut, Item, Table};

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
    pub fn set(&mut self, key: &str, value: toml_edit::Value) -> anyhow::Result<()> {
        let parts: Vec<&str> = key.split('.').collect();
        let (last, tables) = parts.split_last().ok_or_else(|| usage("empty key"))?;
        let mut table: &mut Table = self.doc.as_table_mut();
        for name in tables {
            let entry = table.entry(name).or_insert_with(|| {
                let mut t = Table::new();
                t.set_implicit(true);
                Item::Table(t)
            });
            table = entry
                .as_table_mut()
                .ok_or_else(|| usage_hint(format!("`{name}` in {key} is not a table"), "edit the file by hand"))?;
        }
        table.insert(last, Item::Value(value));
        Ok(())
    }

    /// Removes a dotted key; returns whether it was there. Empty parent tables are removed too.
    pub fn unset(&mut self, key: &str) -> bool {
        fn remove(table: &mut Table, parts: &[&str]) -> bool {
            match parts {
                [] => false,
                [last] => table.remove(last).is_some(),
                [first, rest @ ..] => {
                    let Some(child) = table.get_mut(first).and_then(Item::as_table_mut) else { return false };
                    let removed = remove(child, rest);
                    if removed && child.is_empty() {
                        table.remove(first);
                    }
                    removed
                }
            }
        }
        let parts: Vec<&str> = key.split('.').collect();
        remove(self.doc.as_table_mut(), &parts)
    }

    /// Replaces (or adds) `[profiles.NAME]` with these fields.
    pub fn put_profile(&mut self, name: &str, fields: &[(&str, toml_edit::Value)]) {
        let profiles = self.doc.entry("profiles").or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        if let Some(profiles) = profiles.as_table_mut() {
            let mut table = Table::new();
            for (k, v) in fields {
                table.insert(k, Item::Value(v.clone()));
            }
            profiles.insert(name, Item::Table(table));
        }
    }

    /// Whether `[profiles.NAME]` exists.
    pub fn has_profile(&self, name: &str) -> bool {
        self.doc.get("profiles").and_then(|p| p.get(name)).is_some()
    }

    /// Checks the edited text parses as a valid config, then writes it atomically with mode 0600.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let text = self.doc.to_string();
        super::file::parse(path, &text)
            .map_err(|e| UsageError::new(format!("the change would make the config invalid: {}", e.message)))?;
        write_private(path, text.as_bytes())
    }
}

/// Writes a file atomically (temp file + rename) readable only by the owner, since configs hold secrets.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
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

/// The commented starting config `config init` writes.
pub const TEMPLATE: &str = r#"# hooktap configuration. Layers, later wins: defaults, this file,
# ./hooktap.toml, HOOKTAP_* environment variables, command-line flags.

# Profile used when a command is given neither --profile nor --provider.
# profile = "desk"

# Retention of recorded deliveries (pruned in the background by `listen`).
# retain_days = 30
# retain_count = 100000

# Extra event fixtures, laid out like fixtures/<provider>/catalog.toml.
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
