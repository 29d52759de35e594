//! The viewer end to end: the real binary on a pseudo-terminal under tmux, driven
//! with send-keys and read with capture-pane (polled until the expected text shows,
//! with a deadline; never a fixed sleep). Skipped, saying so, where tmux is missing.

use crate::common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::Env;
use hooktap::provider::SignatureState;
use hooktap::store::{NewDelivery, Source, Store};
use http::HeaderMap;

/// A tmux server of the test's own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// A server with one 160×40 session running `command`, or `None` when tmux is not installed.
    fn start(name: &str, command: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            // Straight to stderr, not through eprintln!: the harness hides what a passing
            // test prints, and a skip must be seen.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {name}: tmux is not installed, so the viewer's end-to-end test cannot run (apt-get install -y tmux)"
            );
            return None;
        }
        let tmux = Tmux { socket: format!("hooktap-{name}-{}", std::process::id()) };
        let out = tmux.run(&["new-session", "-d", "-x", "160", "-y", "40", "-s", "t", command]);
        assert!(out.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&out.stderr));
        Some(tmux)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("tmux")
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }

    /// Types `text` literally.
    fn type_text(&self, text: &str) {
        assert!(self.run(&["send-keys", "-t", "t", "-l", text]).status.success());
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "t"]).stdout).into_owned()
    }

    /// Waits until the screen satisfies `ok`, polling; panics with the screen at the deadline.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(Instant::now() < deadline, "waiting for {what}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn delivery(event: &str, body: &str, header: Option<(&'static str, &str)>) -> NewDelivery {
    let mut headers = HeaderMap::new();
    headers.append("content-type", "application/json".parse().unwrap());
    if let Some((name, value)) = header {
        headers.append(name, value.parse().unwrap());
    }
    let mut d = NewDelivery::request(Source::Listen, "POST", "/hook", headers, Bytes::from(body.to_owned()));
    d.provider = Some("github".into());
    d.event = Some(event.into());
    d.signature = SignatureState::Valid;
    d
}

/// The shell command that runs the viewer on `env`'s database, then says how it exited
/// and whether the terminal is back in canonical mode.
fn viewer(env: &Env) -> String {
    format!(
        "env -u NO_COLOR HOME={home} XDG_CONFIG_HOME={config} XDG_DATA_HOME={data} \
         sh -c 'echo $$ > {pid}; exec {bin} --db {db} tail'; \
         echo EXITED=$?; stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon; sleep 600",
        home = env.path("home").display(),
        config = env.path("config").display(),
        data = env.path("data").display(),
        bin = assert_cmd::cargo::cargo_bin("hooktap").display(),
        db = env.db().display(),
        pid = env.path("viewer.pid").display(),
    )
}

#[test]
fn the_viewer_shows_rows_details_and_search_hits_and_quits_restoring_the_terminal() {
    let env = Env::new();
    let db = env.db();
    let mut store = Store::open(&db).unwrap();
    store.insert(&delivery("first.event", r#"{"n":1}"#, Some(("x-custom-header", "present")))).unwrap();
    store.insert(&delivery("found.it", r#"{"secret_word":"needle-7f3a"}"#, None)).unwrap();
    // The newest, selected at start: Enter shows its headers.
    store.insert(&delivery("third.event", r#"{"n":3}"#, Some(("x-custom-header", "present")))).unwrap();
    drop(store);
    let Some(tmux) = Tmux::start("viewer", &viewer(&env)) else { return };

    let screen =
        tmux.wait_for("the rows", |s| s.contains("first.event") && s.contains("third.event") && s.contains("FOLLOW"));
    assert!(screen.contains("found.it") && screen.contains("3 shown"), "{screen}");

    tmux.keys(&["Enter"]);
    tmux.wait_for("the selected delivery's headers", |s| {
        s.contains("x-custom-header: present") && s.contains("request │ body")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("the pane to close", |s| !s.contains("x-custom-header: present"));

    tmux.keys(&["/"]);
    tmux.type_text("needle-7f3a");
    tmux.keys(&["Enter"]);
    let screen = tmux
        .wait_for("the search hit", |s| s.contains("found.it") && !s.contains("first.event") && s.contains("1 shown"));
    assert!(screen.contains("/needle-7f3a"), "the search is shown with the filters:\n{screen}");
    tmux.keys(&["Tab"]);
    tmux.wait_for("the pane", |s| s.contains("request │ body"));
    tmux.keys(&["Tab"]);
    tmux.wait_for("the hit's body", |s| s.contains("\"secret_word\": \"needle-7f3a\""));

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("the exit", |s| s.contains("EXITED=0") && s.lines().any(|l| l.ends_with("icanon")));
    assert!(screen.lines().any(|l| l.trim() == "icanon"), "the terminal is back in canonical mode:\n{screen}");
    assert!(!screen.contains("FOLLOW"), "the alternate screen is gone:\n{screen}");
}

#[test]
fn r_replays_the_selected_delivery_to_its_target_and_y_copies_its_body() {
    let env = Env::new();
    let app = common::Receiver::start(common::Answer::Status(202, "taken"));
    let mut original = delivery("order.paid", r#"{"order":"A-1"}"#, Some(("x-custom-header", "kept")));
    original.path = "/hook/orders".into();
    original.query = Some("q=1".into());
    original.route = Some("/hook".into());
    original.target = Some(app.url("/app"));
    let mut store = Store::open(&env.db()).unwrap();
    store.insert(&original).unwrap();
    let Some(tmux) = Tmux::start("replay", &viewer(&env)) else { return };
    // The terminal's clipboard, as far as tmux is concerned: OSC 52 lands in a tmux buffer.
    assert!(tmux.run(&["set-option", "-s", "set-clipboard", "on"]).status.success());
    tmux.wait_for("the row", |s| s.contains("order.paid"));

    tmux.keys(&["r"]);
    let screen = tmux.wait_for("the replay's result", |s| s.contains("replayed") && s.contains("202"));
    assert!(screen.contains("/app/orders?q=1"), "sent where the relay forwards it:\n{screen}");
    let sent = app.next();
    assert_eq!((sent.method.as_str(), sent.uri.as_str()), ("POST", "/app/orders?q=1"));
    assert_eq!(&sent.body[..], br#"{"order":"A-1"}"#);
    assert_eq!(sent.headers["x-custom-header"], "kept");
    let replays = store.list(&hooktap::store::Filter { source: Some(Source::Replay), ..Default::default() }).unwrap();
    assert_eq!(replays.len(), 1);
    assert_eq!(replays[0].replay_of.as_deref(), Some(original.id.as_str()));
    assert_eq!((replays[0].state, replays[0].last_status), (hooktap::store::State::Forwarded, Some(202)));
    tmux.wait_for("the replay's own row", |s| s.lines().any(|l| l.contains(" replay ") && l.contains("order.paid")));

    tmux.keys(&["k", "y"]);
    tmux.wait_for("the copy", |s| s.contains("copied the body"));
    let buffer = tmux.run(&["show-buffer"]);
    assert_eq!(String::from_utf8_lossy(&buffer.stdout), r#"{"order":"A-1"}"#);
    tmux.keys(&["q"]);
    tmux.wait_for("the exit", |s| s.contains("EXITED=0"));
}

#[test]
fn sigterm_ends_the_viewer_and_restores_the_terminal() {
    let env = Env::new();
    Store::open(&env.db()).unwrap().insert(&delivery("only.event", "{}", None)).unwrap();
    let Some(tmux) = Tmux::start("sigterm", &viewer(&env)) else { return };
    tmux.wait_for("the row", |s| s.contains("only.event"));
    let pid = std::fs::read_to_string(env.path("viewer.pid")).unwrap();
    assert!(Command::new("kill").args(["-TERM", pid.trim()]).status().unwrap().success());
    let screen = tmux.wait_for("the exit", |s| s.contains("EXITED=") && s.lines().any(|l| l.ends_with("icanon")));
    assert!(screen.contains("EXITED=0"), "a requested stop is a success:\n{screen}");
    assert!(screen.lines().any(|l| l.trim() == "icanon"), "the terminal is restored:\n{screen}");
}
