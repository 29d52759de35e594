#!/usr/bin/env sh
# Regenerates completions/ and the man pages from the CLI definition.
set -eu
cd "$(dirname "$0")/.."
cargo build --quiet
# Wherever cargo builds (CARGO_TARGET_DIR included); checked before any file is rewritten.
bin=${CARGO_TARGET_DIR:-target}/debug/hooktap
[ -x "$bin" ] || { echo "update-completions: no binary at $bin" >&2; exit 1; }
"$bin" completions bash > completions/hooktap.bash
"$bin" completions zsh > completions/_hooktap
"$bin" completions fish > completions/hooktap.fish
"$bin" completions powershell > completions/_hooktap.ps1
"$bin" completions elvish > completions/hooktap.elv
rm -f completions/*.1
"$bin" completions man --dir completions
echo "completions/ updated"
