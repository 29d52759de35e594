//! How `listen` (and the other commands that open the database) fail at start:
//! one line saying what and where, a hint that fits the cause, exit 2.

use crate::common;

use std::time::Duration;

use common::{Answer, Env, Receiver};

/// Runs `hooktap ARGS` to its end, or kills it after 30 s if it starts serving instead.
fn run(env: &Env, args: &[&str]) -> (Option<i32>, String) {
    let out = env.cmd().args(args).timeout(Duration::from_secs(30)).output().expect("run hooktap");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The `hooktap: error:` line and the hint line, asserting there is nothing else.
fn error_and_hint(stderr: &str) -> (&str, &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "one error line and one hint line: {stderr}");
    let error = lines[0].strip_prefix("hooktap: error: ").unwrap_or_else(|| panic!("error line: {stderr}"));
    let hint = lines[1].strip_prefix("  hint: ").unwrap_or_else(|| panic!("hint line: {stderr}"));
    (error, hint)
}

#[test]
fn a_directory_as_database_exits_two_with_one_line_and_a_hint() {
    let env = Env::new();
    let dir = env.path("a-directory");
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.to_str().unwrap();
    let (code, stderr) = run(&env, &["listen", "--port", "0", "--db", db]);
    assert_eq!(code, Some(2), "{stderr}");
    let (error, hint) = error_and_hint(&stderr);
    assert_eq!(error, format!("cannot open database {db}: it is a directory; the database must be a file"));
    assert_eq!(hint, "pass --db with a writable file path");
}

#[test]
fn a_file_that_is_not_a_database_exits_two_and_is_left_alone() {
    let env = Env::new();
    let path = env.path("notes.txt");
    let text = "these are notes, not a database\n".repeat(10);
    std::fs::write(&path, &text).unwrap();
    let db = path.to_str().unwrap();
    let (code, stderr) = run(&env, &["listen", "--port", "0", "--db", db]);
    assert_eq!(code, Some(2), "{stderr}");
    let (error, hint) = error_and_hint(&stderr);
    assert_eq!(error, format!("cannot open database {db}: the file is not a SQLite database"));
    assert_eq!(hint, "this file is not a hooktap database; pass --db with another path");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[cfg(target_os = "linux")]
#[test]
fn a_path_where_no_file_can_be_made_says_why_once() {
    let env = Env::new();
    let (code, stderr) = run(&env, &["listen", "--port", "0", "--db", "/proc/hooktap-test.db"]);
    assert_eq!(code, Some(2), "{stderr}");
    let (error, hint) = error_and_hint(&stderr);
    assert!(error.starts_with("cannot open database /proc/hooktap-test.db: "), "{error}");
    assert_eq!(error.matches("/proc/hooktap-test.db").count(), 1, "{error}");
    assert!(!error.contains("unable to open database file: "), "{error}");
    assert_eq!(hint, "pass --db with a writable file path");
}

#[test]
fn send_and_verify_report_an_unusable_database_the_same_way() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    let path = env.path("notes.txt");
    std::fs::write(&path, "not sqlite\n".repeat(20)).unwrap();
    let db = path.to_str().unwrap();
    let url = receiver.url("/hook");
    let send = ["send", "push", "--provider", "github", "--secret", "s3cr3t", "--to", &url, "--db", db];
    let verify = ["verify", "--delivery", "01JD3K9Z4X", "--provider", "github", "--secret", "s3cr3t", "--db", db];
    for args in [&send[..], &verify[..]] {
        let (code, stderr) = run(&env, args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        let (error, hint) = error_and_hint(&stderr);
        assert_eq!(error, format!("cannot open database {db}: the file is not a SQLite database"), "{args:?}");
        assert_eq!(hint, "this file is not a hooktap database; pass --db with another path");
    }
}

#[test]
fn a_port_in_use_points_at_the_other_process() {
    let env = Env::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, stderr) = run(&env, &["listen", "--port", &port]);
    assert_eq!(code, Some(2), "{stderr}");
    let (error, hint) = error_and_hint(&stderr);
    assert!(error.starts_with(&format!("cannot listen on 127.0.0.1:{port}: ")), "{error}");
    assert!(hint.contains("another process"), "{hint}");
    assert!(hint.contains("--port"), "{hint}");
}

#[test]
fn a_bad_bind_address_points_at_bind_not_at_another_process() {
    let env = Env::new();
    // 999.1.1.1 is no address at all; 192.0.2.1 (TEST-NET-1) is never this machine's.
    for bind in ["999.1.1.1", "192.0.2.1"] {
        let (code, stderr) = run(&env, &["listen", "--port", "0", "--bind", bind]);
        assert_eq!(code, Some(2), "{bind}: {stderr}");
        let (error, hint) = error_and_hint(&stderr);
        assert!(error.starts_with(&format!("cannot listen on {bind}:0: ")), "{error}");
        assert!(hint.starts_with("check --bind"), "{bind}: {hint}");
        assert!(!hint.contains("another process"), "{bind}: {hint}");
    }
}

#[test]
fn a_secret_its_provider_cannot_use_stops_the_relay_before_it_rejects_everything() {
    let env = Env::new();
    let (code, stderr) = run(&env, &["listen", "--port", "0", "--provider", "standard", "--secret", "bad secret"]);
    assert_eq!(code, Some(2), "{stderr}");
    let (error, hint) = error_and_hint(&stderr);
    assert!(error.starts_with("route /: the secret is not usable for standard: "), "{error}");
    assert!(!stderr.contains("bad secret"), "the secret must not be printed: {stderr}");
    assert!(hint.contains("whsec_"), "{hint}");
    // Nothing was opened for deliveries that would all have been refused.
    assert!(!env.db().exists());
}

#[test]
fn a_route_whose_profile_has_no_secret_points_at_the_profile() {
    let env = Env::new();
    env.write_user_config(
        "[profiles.desk]\nprovider = \"nexadesk\"\n\n[[routes]]\npath = \"/d\"\nprofile = \"desk\"\n",
    );
    let (code, stderr) = run(&env, &["listen", "--port", "0"]);
    assert_eq!(code, Some(2), "{stderr}");
    let (error, hint) = error_and_hint(&stderr);
    assert!(error.ends_with("profile desk (nexadesk) has no secret"), "{error}");
    assert_eq!(hint, "add secret_env = \"VAR\" (or secret_file) to [profiles.desk] in the config file");
}

/// Regression: `listen` named the route but not where it is, which `config validate` does.
#[test]
fn a_bad_route_names_the_file_and_line_of_the_key_at_fault() {
    let env = Env::new();
    let file = env.user_config().display().to_string();
    env.write_user_config(
        "[[routes]]\npath = \"/a\"\n\n[[routes]]\npath = \"/b\"\nforward_to = \"ftp://localhost:3000\"\n",
    );
    let (code, stderr) = run(&env, &["listen", "--port", "0"]);
    assert_eq!(code, Some(2), "{stderr}");
    let (error, hint) = error_and_hint(&stderr);
    assert_eq!(
        error,
        format!(
            "config {file}, line 6: routes[1] (/b): forward target \"ftp://localhost:3000\" is not a usable URL: \
             ftp:// is not supported; use http:// or https://"
        )
    );
    assert_eq!(hint, "give a URL such as http://localhost:3000/webhooks (http:// is assumed when none is given)");

    env.write_user_config("[[routes]]\npath = \"/a\"\n\n[[routes]]\npath = \"/b\"\n\n[[routes]]\npath = \"/a/\"\n");
    let (code, stderr) = run(&env, &["listen", "--port", "0"]);
    assert_eq!(code, Some(2), "{stderr}");
    let (error, hint) = error_and_hint(&stderr);
    assert_eq!(error, format!("config {file}, line 8: two routes share the path prefix /a"));
    assert_eq!(hint, "give each [[routes]] entry its own path");

    // The profile's own problem points at the profile, an unknown profile at the route.
    env.write_user_config(
        "[profiles.gh]\nprovider = \"github\"\nsecret_env = \"HOOKTAP_E2E_UNSET\"\n\n[[routes]]\npath = \"/a\"\n\
         profile = \"gh\"\n",
    );
    let (_, stderr) = run(&env, &["listen", "--port", "0"]);
    let (error, _) = error_and_hint(&stderr);
    assert!(error.starts_with(&format!("config {file}, line 1: routes[0] (/a): profile gh: ")), "{error}");
    env.write_user_config("[[routes]]\npath = \"/a\"\nprofile = \"gh\"\n");
    let (_, stderr) = run(&env, &["listen", "--port", "0"]);
    let (error, _) = error_and_hint(&stderr);
    assert_eq!(error, format!("config {file}, line 3: routes[0] (/a): no profile named \"gh\""));
    assert!(!env.db().exists(), "nothing was opened for a relay that cannot start");
}
