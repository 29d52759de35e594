//! `x` in the viewer: the filtered view written to a new HAR or NDJSON file,
//! with the same writers `tail --format har|json` uses.

use std::io::Write;
use std::path::Path;

use super::app::ExportFormat;
use super::body;
use crate::store::{Filter, Store};

/// Writes the deliveries `filter` selects to a new file in `dir`; says where.
pub fn export(db: &Path, dir: &Path, format: ExportFormat, filter: &Filter) -> anyhow::Result<String> {
    let store = Store::open(db)?;
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let name = match format {
        ExportFormat::Har => format!("hooktap-{stamp}.har"),
        ExportFormat::Ndjson => format!("hooktap-{stamp}.ndjson"),
    };
    let path = dir.join(name);
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
    let mut out = std::io::BufWriter::new(file);
    let n = match format {
        ExportFormat::Har => crate::tail::har::write(&store, filter, &mut out, &mut || true)?,
        ExportFormat::Ndjson => {
            let mut n = 0;
            let mut after = 0;
            loop {
                let page = store.summaries(filter, &crate::store::Page::after(after, 500))?;
                for s in &page {
                    out.write_all(crate::tail::record::json_line(s).as_bytes())?;
                }
                n += page.len();
                match page.last() {
                    Some(last) if page.len() == 500 => after = last.seq,
                    _ => break,
                }
            }
            out.flush()?;
            n
        }
    };
    Ok(format!("exported {} deliveries to {}", body::thousands(n as i64), path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_writes_the_filtered_view_to_a_new_file_and_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let mut store = Store::open(&db).unwrap();
        for provider in ["github", "stripe", "github"] {
            let mut d = crate::store::NewDelivery::request(
                crate::store::Source::Listen,
                "POST",
                "/hook",
                http::HeaderMap::new(),
                bytes::Bytes::from_static(b"{}"),
            );
            d.provider = Some(provider.into());
            store.insert(&d).unwrap();
        }
        let github = Filter { provider: Some("github".into()), ..Filter::default() };
        let said = export(&db, dir.path(), ExportFormat::Ndjson, &github).unwrap();
        assert!(said.starts_with("exported 2 deliveries to "), "{said}");
        let path = std::path::PathBuf::from(said.rsplit_once(" to ").unwrap().1);
        assert_eq!(path.parent(), Some(dir.path()));
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["provider"] == "github"));
        let said = export(&db, dir.path(), ExportFormat::Har, &Filter::default()).unwrap();
        let path = said.rsplit_once(" to ").unwrap().1;
        assert!(path.ends_with(".har"), "{path}");
        let har: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(har["log"]["entries"].as_array().unwrap().len(), 3);
    }
}
