#!/bin/sh
# Builds hooktap from this checkout and installs it for the current user,
# with shell completions and the man pages. Safe to run again.
#
#   ./install.sh                  # into cargo's bin dir (~/.cargo/bin)
#   PREFIX=~/.local ./install.sh  # into $PREFIX/bin
set -eu

cd "$(dirname "$0")"

if ! command -v cargo >/dev/null 2>&1; then
    echo "install.sh: cargo not found; install Rust from your package manager or rustup first" >&2
    exit 1
fi

if [ -n "${PREFIX:-}" ]; then
    cargo install --locked --force --path . --root "$PREFIX"
    bin="$PREFIX/bin/hooktap"
else
    cargo install --locked --force --path .
    bin="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin/hooktap"
fi
echo "installed $bin"

data="${XDG_DATA_HOME:-$HOME/.local/share}"
config="${XDG_CONFIG_HOME:-$HOME/.config}"

# Completions go where each shell looks for them without editing rc files.
install_file() { # src dest
    mkdir -p "$(dirname "$2")" && cp "$1" "$2" && echo "installed $2"
}
shell_name=$(basename "${SHELL:-sh}")
case "$shell_name" in
    bash) install_file completions/hooktap.bash "$data/bash-completion/completions/hooktap" ;;
    zsh)
        install_file completions/_hooktap "$data/zsh/site-functions/_hooktap"
        echo "  zsh: add 'fpath=($data/zsh/site-functions \$fpath)' before compinit in ~/.zshrc if it is not there"
        ;;
    fish) install_file completions/hooktap.fish "$config/fish/completions/hooktap.fish" ;;
    *) echo "completions for bash, zsh, fish, powershell and elvish are in completions/ (shell '$shell_name' not set up)" ;;
esac
man_dir="$data/man"
for page in completions/*.1; do
    install_file "$page" "$man_dir/man1/$(basename "$page")"
done

# Whether `man hooktap` finds the page just installed: man-db lists its search path
# with `manpath`; other man implementations are asked for the page itself.
man_searched() {
    if command -v manpath >/dev/null 2>&1; then
        case ":$(manpath 2>/dev/null):" in
            *":$man_dir:"* | *":$man_dir/:"*) return 0 ;;
        esac
    fi
    case "$(man -w hooktap 2>/dev/null)" in
        "$man_dir"/*) return 0 ;;
    esac
    return 1
}
if ! command -v man >/dev/null 2>&1; then
    echo "note: man is not installed; the man pages are in $man_dir/man1"
elif ! man_searched; then
    # A trailing ':' keeps man's own search path after this one, so the system pages stay.
    echo "note: man does not search $man_dir, so 'man hooktap' finds nothing; add this to your shell's rc file:"
    echo "  export MANPATH=\"$man_dir:\${MANPATH:-}\""
fi

case ":$PATH:" in
    *":$(dirname "$bin"):"*) ;;
    *) echo "note: $(dirname "$bin") is not on your PATH; add it to run 'hooktap'" ;;
esac
"$bin" --version
