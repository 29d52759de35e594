//! End-to-end tests of the command-line surface: help, exit codes, completions.

use crate::common;

use common::Env;
use predicates::prelude::*;

#[test]
fn every_subcommand_has_help_with_examples() {
    let env = Env::new();
    for sub in ["config", "send", "verify", "listen", "replay", "tail", "serve", "check", "completions"] {
        env.cmd().args([sub, "--help"]).assert().success().stdout(predicate::str::contains("Usage: hooktap"));
    }
    env.cmd().arg("--help").assert().success().stdout(predicate::str::contains("Exit codes"));
}

/// Commands whose flags exist before their work does.
const UNBUILT: &[&str] = &[];

#[test]
fn help_never_offers_an_unimplemented_command_as_if_it_worked() {
    let env = Env::new();
    for sub in UNBUILT {
        env.cmd().args([sub, "--help"]).assert().success().stdout(predicate::str::contains("Not implemented yet"));
        // The promise in the help matches what running it does.
        env.cmd().arg(sub).assert().code(2).stderr(predicate::str::contains("not implemented yet"));
    }
    let top = env.cmd().arg("--help").output().unwrap();
    let top = String::from_utf8(top.stdout).unwrap();
    let examples = top.split("Examples:").nth(1).unwrap().split("Exit codes").next().unwrap();
    for sub in UNBUILT {
        assert!(!examples.contains(&format!("hooktap {sub}")), "top-level example uses {sub}:\n{examples}");
        let listed = top.lines().find(|l| l.trim_start().starts_with(sub)).unwrap();
        assert!(listed.ends_with("(not implemented yet)"), "{listed}");
    }
}

#[test]
fn help_keeps_examples_within_80_columns_and_global_options_apart() {
    let env = Env::new();
    for sub in ["", "send", "verify", "listen", "replay", "serve", "config", "check", "completions", "tail"] {
        let out = env.cmd().args([sub, "--help"].iter().filter(|a| !a.is_empty())).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        let examples = help.split("Examples:").nth(1).unwrap_or_else(|| panic!("{sub}: no examples"));
        for line in examples.lines().take_while(|l| !l.starts_with("Exit codes")) {
            // Wider lines wrap in an 80-column terminal, and a wrapped command no longer pastes.
            assert!(line.chars().count() <= 80, "{sub}: {line:?}");
        }
    }
    let out = env.cmd().args(["send", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let (own, global) = help.split_once("Global options:").expect("a global options heading");
    assert!(own.contains("--to <URL>") && !own.contains("--db <PATH>"), "{help}");
    assert!(global.contains("--db <PATH>") && global.contains("--json") && !global.contains("--to <URL>"), "{help}");
}

#[test]
fn unknown_flags_are_usage_errors() {
    Env::new().cmd().args(["send", "--no-such-flag"]).assert().code(2);
}

#[test]
fn zero_timeouts_and_sizes_are_refused_before_anything_is_sent() {
    let env = Env::new();
    let cases: [&[&str]; 3] = [
        &["send", "push", "--provider", "github", "--secret", "s", "--to", "http://127.0.0.1:9/", "--timeout", "0"],
        &["listen", "--port", "0", "--forward-timeout", "0ms"],
        &["listen", "--port", "0", "--max-body", "0"],
    ];
    for args in cases {
        env.cmd().args(args).assert().code(2).stderr(predicate::str::contains("is zero; give a"));
    }
}

#[test]
fn completion_offers_the_provider_names() {
    let env = Env::new();
    let out = env.cmd().args(["completions", "zsh"]).output().unwrap();
    let zsh = String::from_utf8(out.stdout).unwrap();
    let flags: Vec<&str> = zsh.lines().filter(|l| l.starts_with("'--provider=[Provider scheme")).collect();
    assert_eq!(flags.len(), 4, "send, verify, listen and check: {flags:?}");
    for line in flags {
        assert!(line.ends_with(":P:(nexus nexudus nexadesk nudj standard github stripe shopify slack)' \\"), "{line}");
    }
}

#[test]
fn committed_completions_match_the_cli() {
    let env = Env::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "hooktap.bash"),
        ("zsh", "_hooktap"),
        ("fish", "hooktap.fish"),
        ("powershell", "_hooktap.ps1"),
        ("elvish", "hooktap.elv"),
        ("man", "hooktap.1"),
    ] {
        let out = env.cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        let committed = std::fs::read(dir.join(file))
            .unwrap_or_else(|_| panic!("completions/{file} is missing; run scripts/update-completions.sh"));
        assert!(
            committed == out.stdout,
            "completions/{file} is out of date with the CLI; regenerate with scripts/update-completions.sh"
        );
    }
}

#[test]
fn committed_man_pages_cover_every_command_and_match_the_cli() {
    let env = Env::new();
    let out_dir = env.root.path().join("man");
    let out = env.cmd().args(["completions", "man", "--dir"]).arg(&out_dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pages = |dir: &std::path::Path| -> std::collections::BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(Result::unwrap)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".1"))
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .collect()
    };
    let generated = pages(&out_dir);
    for name in ["hooktap.1", "hooktap-send.1", "hooktap-listen.1", "hooktap-config-profile-add.1"] {
        assert!(generated.contains_key(name), "no {name} among {:?}", generated.keys());
    }
    let committed = pages(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions"));
    assert!(
        committed == generated,
        "completions/*.1 are out of date with the CLI; regenerate with scripts/update-completions.sh"
    );
}

#[test]
fn a_closed_stdout_exits_quietly() {
    // The read end is closed before the program gets to print, so its write meets EPIPE.
    // (Should it win the race, it exits 0 anyway: the test cannot fail spuriously.)
    let env = Env::new();
    let mut child = env
        .std_cmd()
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn warnings_read_like_errors_unless_asked_for_detail() {
    let env = Env::new();
    let args = ["send", "--provider", "nexadesk", "--secret", "s", "--data", "not json", "--dry-run"];
    let out = env.cmd().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("hooktap: warning: the body is not valid JSON"), "{stderr}");
    let out = env.cmd().arg("-v").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(" WARN ") && stderr.contains("the body is not valid JSON"), "{stderr}");
}

/// install.sh's man-page check, run with stand-in `man` and `manpath` commands (the whole
/// script runs `cargo install`, too slow for a test): it says how to set MANPATH only when
/// the directory it installed into is not searched.
#[cfg(unix)]
#[test]
fn install_sh_says_how_to_make_man_work_only_when_its_man_dir_is_not_searched() {
    use std::os::unix::fs::PermissionsExt as _;
    let script = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/install.sh")).unwrap();
    let start = script.find("man_searched() {").expect("the check is a function");
    let end = start + script[start..].find("\nfi\n").expect("followed by the if that uses it") + 4;
    let check = &script[start..end];
    let dir = tempfile::tempdir().unwrap();
    let runs = std::cell::Cell::new(0);
    // Each run gets its own directory of stand-ins, so one run's `man` is not left for the next.
    let run = |stubs: &[(&str, &str)]| {
        runs.set(runs.get() + 1);
        let bin = dir.path().join(format!("bin{}", runs.get()));
        std::fs::create_dir_all(&bin).unwrap();
        for (name, body) in stubs {
            let path = bin.join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let out = std::process::Command::new("/bin/sh")
            .args(["-c", &format!("man_dir=/h/share/man\n{check}")])
            .env("PATH", &bin)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let unsearched = run(&[("manpath", "echo /usr/share/man"), ("man", "exit 1")]);
    assert!(unsearched.contains("man does not search /h/share/man"), "{unsearched}");
    assert!(unsearched.contains(r#"export MANPATH="/h/share/man:${MANPATH:-}""#), "{unsearched}");
    assert_eq!(run(&[("manpath", "echo /usr/share/man:/h/share/man"), ("man", "exit 1")]), "");
    assert_eq!(run(&[("man", "echo /h/share/man/man1/hooktap.1.gz")]), "", "man -w without manpath");
    assert!(run(&[]).contains("man is not installed; the man pages are in /h/share/man/man1"));
}
