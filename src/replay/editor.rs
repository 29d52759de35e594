//! `--edit`: the user's editor (`$VISUAL`, else `$EDITOR`, else `vi`) on one
//! delivery's body, in a private temporary file named for its content type.

use std::io::Write as _;
use std::process::Command;

use anyhow::Context;
use bytes::Bytes;

use crate::error::usage_hint;

/// The editor command the user chose.
pub fn command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_owned())
}

/// Opens `editor` on `body` and returns what was saved. A final newline the editor
/// added to a body that had none is taken off again (most editors add one).
pub fn edit(editor: &str, body: &[u8], content_type: Option<&str>) -> anyhow::Result<Bytes> {
    let mut file = tempfile::Builder::new()
        .prefix("hooktap-replay-")
        .suffix(extension(content_type.unwrap_or_default()))
        .tempfile()
        .context("creating a temporary file for the editor")?;
    file.write_all(body).and_then(|()| file.flush()).context("writing the body for the editor")?;
    let path = file.path().to_owned();
    // Through the shell, as git does: EDITOR may carry arguments (`code --wait`).
    let status = shell(editor, &path).status().map_err(|e| {
        usage_hint(format!("cannot run the editor {editor:?}: {e}"), "set EDITOR (or VISUAL) to an editor on your PATH")
    })?;
    if !status.success() {
        return Err(usage_hint(
            format!("the editor {editor:?} exited with {status}; nothing was replayed"),
            "save and quit the editor normally to replay the edited body",
        ));
    }
    let mut edited = std::fs::read(&path).context("reading the edited body back")?;
    if !body.ends_with(b"\n") && edited.ends_with(b"\n") {
        edited.pop();
        if edited.ends_with(b"\r") && !body.ends_with(b"\r") {
            edited.pop();
        }
    }
    Ok(edited.into())
}

#[cfg(unix)]
fn shell(editor: &str, path: &std::path::Path) -> Command {
    let mut command = Command::new("sh");
    command.arg("-c").arg(format!("{editor} \"$1\"")).arg(editor).arg(path);
    command
}

#[cfg(not(unix))]
fn shell(editor: &str, path: &std::path::Path) -> Command {
    let mut command = Command::new("cmd");
    command.arg("/C").arg(editor).arg(path);
    command
}

/// A file name ending that lets the editor highlight the body.
fn extension(content_type: &str) -> &'static str {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence.ends_with("json") {
        ".json"
    } else if essence.ends_with("xml") {
        ".xml"
    } else if essence == "application/x-www-form-urlencoded" {
        ".txt"
    } else {
        ".body"
    }
}
