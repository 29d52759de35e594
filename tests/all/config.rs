//! End-to-end tests of `hooktap config` on the real binary in a temp HOME.

use crate::common;

use common::Env;
use predicates::prelude::*;

#[test]
fn init_writes_a_private_template_and_refuses_to_overwrite() {
    let env = Env::new();
    env.cmd().args(["config", "init"]).assert().success();
    let path = env.user_config();
    assert!(std::fs::read_to_string(&path).unwrap().contains("[listen]"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    env.cmd().args(["config", "init"]).assert().code(2).stderr(predicate::str::contains("already exists"));
    env.cmd().args(["config", "init", "--force"]).assert().success();
}

#[test]
fn set_get_unset_round_trip_through_the_user_file() {
    let env = Env::new();
    env.cmd().args(["config", "get", "listen.port"]).assert().success().stdout("5757\n");
    env.cmd().args(["config", "set", "listen.port", "8080"]).assert().success();
    env.cmd().args(["config", "get", "listen.port"]).assert().success().stdout("8080\n");
    assert!(std::fs::read_to_string(env.user_config()).unwrap().contains("port = 8080"));
    env.cmd().args(["config", "unset", "listen.port"]).assert().success();
    env.cmd().args(["config", "get", "listen.port"]).assert().success().stdout("5757\n");
    // An unset key without a default value says what applies instead, and succeeds: it is an
    // answer, not a failure (it used to print nothing and exit 1, which left users guessing).
    env.cmd()
        .args(["config", "get", "retain_days"])
        .assert()
        .success()
        .stdout("")
        .stderr("hooktap: retain_days is not set; by default: deliveries are kept whatever their age\n");
    let out = env.cmd().args(["--json", "config", "get", "send.timeout"]).output().unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"key": "send.timeout", "value": null, "origin": "default", "default": "the provider's timeout"})
    );
    // The database's default is a path, so it is printed as the value.
    let db = env.db().display().to_string();
    env.cmd().args(["config", "get", "db"]).assert().success().stdout(format!("{db}\n"));
}

#[test]
fn json_output_keeps_numbers_and_booleans_typed() {
    let env = Env::new();
    let get = |key: &str| {
        let out = env.cmd().args(["--json", "config", "get", key]).output().unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["value"].clone()
    };
    assert_eq!(get("listen.port"), serde_json::json!(5757));
    assert_eq!(get("listen.bind"), serde_json::json!("127.0.0.1"));
    let out = env.cmd().args(["--json", "config", "list"]).output().unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list["settings"]["listen.port"]["value"], serde_json::json!(5757));
    assert!(list["settings"]["listen.max_body"]["value"].is_u64(), "{list}");
}

#[test]
fn set_rejects_bad_values_and_unknown_keys_without_touching_the_file() {
    let env = Env::new();
    env.write_user_config("# mine\n[listen]\nport = 9000\n");
    env.cmd()
        .args(["config", "set", "listen.port", "eighty"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("listen.port expects a whole number"));
    env.cmd()
        .args(["config", "set", "listen.prot", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown key").and(predicate::str::contains("listen.port")));
    assert_eq!(std::fs::read_to_string(env.user_config()).unwrap(), "# mine\n[listen]\nport = 9000\n");
}

#[test]
fn layering_project_file_env_and_flags() {
    let env = Env::new();
    env.write_user_config("[listen]\nport = 6000\nbind = \"0.0.0.0\"\nack = \"passthrough\"\n");
    env.write_project_config("[listen]\nport = 7000\n");
    env.cmd().args(["config", "get", "listen.port"]).assert().stdout("7000\n");
    env.cmd().args(["config", "get", "listen.bind"]).assert().stdout("0.0.0.0\n");
    env.cmd().args(["config", "get", "listen.port"]).env("HOOKTAP_LISTEN_PORT", "7100").assert().stdout("7100\n");
    let list = env.cmd().args(["config", "list"]).env("HOOKTAP_LISTEN_PORT", "7100").output().unwrap();
    let text = String::from_utf8(list.stdout).unwrap();
    assert!(text.lines().any(|l| l.starts_with("listen.port") && l.contains("env HOOKTAP_LISTEN_PORT")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("listen.ack") && l.contains("config.toml")), "{text}");
    // --config replaces both files.
    let other = env.path("other.toml");
    common::write(&other, "[listen]\nport = 1234\n");
    env.cmd()
        .args(["--config", other.to_str().unwrap(), "config", "get", "listen.bind"])
        .assert()
        .stdout("127.0.0.1\n");
    env.cmd().args(["config", "get", "listen.port"]).env("HOOKTAP_CONFIG", &other).assert().stdout("1234\n");
    // --db beats everything for the database path.
    env.cmd()
        .args(["--db", "/tmp/x.db", "config", "path"])
        .assert()
        .stdout(predicate::str::contains("db      /tmp/x.db"));
}

#[test]
fn bad_config_names_file_line_and_key_and_exits_2_for_any_command() {
    let env = Env::new();
    env.write_project_config("[listen]\nport = 1\n\n[profiles.ci]\nprovider = \"github\"\nsecrt_env = \"X\"\n");
    for args in [
        vec!["config", "list"],
        vec!["config", "validate"],
        vec!["config", "path"],
        vec!["verify", "--provider", "github"],
    ] {
        env.cmd()
            .args(&args)
            .write_stdin("")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("hooktap.toml, line 6").and(predicate::str::contains("secrt_env")));
    }
}

#[test]
fn profiles_add_list_show_remove_and_never_print_secrets() {
    let env = Env::new();
    env.cmd()
        .args(["config", "profile", "add", "gh", "--provider", "GitHub", "--secret", "topsecret-value"])
        .assert()
        .success()
        .stderr(predicate::str::contains("plain text"));
    env.cmd()
        .args(["config", "profile", "add", "gh", "--provider", "github", "--secret-env", "GH"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    env.cmd()
        .args(["config", "profile", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("gh").and(predicate::str::contains("inline (redacted)")));
    for args in [
        vec!["config", "profile", "show", "gh"],
        vec!["--json", "config", "profile", "show", "gh"],
        vec!["-vvv", "config", "list"],
    ] {
        let out = env.cmd().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let all = [out.stdout, out.stderr].concat();
        assert!(!String::from_utf8_lossy(&all).contains("topsecret-value"), "{args:?} leaked the secret");
    }
    env.cmd()
        .args(["config", "profile", "show", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("known profiles: gh"));
    env.cmd().args(["config", "profile", "remove", "gh"]).assert().success();
    env.cmd().args(["config", "profile", "show", "gh"]).assert().code(2);
    env.cmd()
        .args(["config", "profile", "add", "x", "--provider", "githob", "--secret-env", "X"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown provider"));
}

#[test]
fn validate_reports_unresolvable_secrets_and_dangling_routes() {
    let env = Env::new();
    env.write_user_config(
        "[profiles.gh]\nprovider = \"github\"\nsecret_env = \"HOOKTAP_E2E_UNSET\"\n\
         [[routes]]\npath = \"/a\"\nprofile = \"nope\"\nforward_to = \"gopher://localhost:3000\"\n",
    );
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(
        predicate::str::contains("HOOKTAP_E2E_UNSET is not set")
            .and(predicate::str::contains("no profile named \"nope\""))
            .and(predicate::str::contains(
                "line 7: routes[0] (/a): forward target \"gopher://localhost:3000\" is not a usable URL: gopher:// is \
                 not supported",
            ))
            .and(predicate::str::contains("hint: give a URL such as http://localhost:3000/webhooks"))
            .and(predicate::str::contains("Some(").not()),
    );
    env.cmd()
        .args(["config", "validate"])
        .env("HOOKTAP_E2E_UNSET", "s")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("HOOKTAP_E2E_UNSET").not());
    env.write_user_config("[profiles.gh]\nprovider = \"github\"\nsecret_env = \"HOOKTAP_E2E_UNSET\"\n");
    env.cmd()
        .args(["config", "validate"])
        .env("HOOKTAP_E2E_UNSET", "s")
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: 1 profile(s)"));
}

#[cfg(unix)]
#[test]
fn a_world_readable_file_with_secrets_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.write_user_config("[profiles.gh]\nprovider = \"github\"\nsecret = \"s\"\n");
    std::fs::set_permissions(env.user_config(), std::fs::Permissions::from_mode(0o644)).unwrap();
    env.cmd()
        .args(["config", "profile", "list"])
        .assert()
        .success()
        .stderr(predicate::str::contains("readable by other users").and(predicate::str::contains("chmod 600")));
}
#[test]
fn a_newer_database_is_refused_with_exit_2() {
    let env = Env::new();
    let db = env.path("new.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    env.cmd()
        .args(["--db", db.to_str().unwrap(), "verify", "--delivery", "X", "--provider", "github", "--secret", "s"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("newer than this hooktap understands"));
}

/// The text between `[header]` and the next table header (or the end of the file).
fn table_body<'t>(text: &'t str, header: &str) -> &'t str {
    let start = text.find(&format!("\n{header}\n")).unwrap_or_else(|| panic!("no {header} in:\n{text}")) + 1;
    let body = &text[start + header.len()..];
    let end = body.match_indices("\n[").map(|(i, _)| i + 1).next().unwrap_or(body.len());
    &body[..end]
}

#[test]
fn edits_of_the_init_template_keep_its_comments_in_their_tables() {
    let env = Env::new();
    env.cmd().args(["config", "init"]).assert().success();
    let template = std::fs::read_to_string(env.user_config()).unwrap();
    let header = template.split("\n\n").next().unwrap().to_string();
    assert!(header.starts_with("# hooktap configuration."), "{header}");
    let listen_comments = "# port = 5757\n# bind = \"127.0.0.1\"";
    let check = |step: &str| {
        let text = std::fs::read_to_string(env.user_config()).unwrap();
        assert!(text.starts_with(&header), "after {step}, the header moved or went:\n{text}");
        assert!(table_body(&text, "[listen]").contains(listen_comments), "after {step}:\n{text}");
        if text.contains("\n[profiles.desk]\n") {
            assert!(!table_body(&text, "[profiles.desk]").contains('#'), "after {step}:\n{text}");
        }
        text
    };
    env.cmd()
        .args(["config", "profile", "add", "desk", "--provider", "nexadesk", "--secret-env", "NEXADESK_WEBHOOK_SECRET"])
        .assert()
        .success();
    check("profile add");
    env.cmd().args(["config", "set", "listen.port", "8080"]).assert().success();
    let text = check("set listen.port");
    assert!(table_body(&text, "[listen]").contains("port = 8080\n"), "{text}");
    env.cmd().args(["config", "unset", "listen.port"]).assert().success();
    check("unset listen.port");
    env.cmd().args(["config", "set", "profile", "desk"]).assert().success();
    let text = check("set profile");
    assert!(text[..text.find("[listen]").unwrap()].contains("\nprofile = \"desk\"\n"), "{text}");
    env.cmd().args(["config", "unset", "profile"]).assert().success();
    check("unset profile");
    env.cmd().args(["config", "profile", "remove", "desk"]).assert().success();
    // Undoing every edit gives the template back.
    assert_eq!(check("profile remove"), template);
}

#[test]
fn a_default_profile_that_names_no_profile_is_refused_reported_and_explained() {
    let env = Env::new();
    env.cmd().args(["config", "profile", "add", "gh", "--provider", "github", "--secret", "x"]).assert().success();
    env.cmd()
        .args(["config", "set", "profile", "nosuchprofile"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no profile named \"nosuchprofile\"").and(predicate::str::contains("gh")));
    assert!(!std::fs::read_to_string(env.user_config()).unwrap().contains("nosuchprofile"));
    env.cmd().args(["config", "set", "profile", "gh"]).assert().success();

    // Written by hand (or the profile removed later): validate and every command say where it came from.
    let file = env.user_config().display().to_string();
    env.write_user_config("profile = \"nosuchprofile\"\n[profiles.gh]\nprovider = \"github\"\nsecret = \"x\"\n");
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(
        predicate::str::contains(format!("{file}, line 1: profile = \"nosuchprofile\" names no profile"))
            .and(predicate::str::contains("known profiles: gh")),
    );
    env.cmd().args(["verify", "-H", "X-Hub-Signature-256: sha256=00"]).write_stdin("{}").assert().code(2).stderr(
        predicate::str::contains(format!(
            "no profile named \"nosuchprofile\" (the default, set by `profile =` in {file})"
        ))
        .and(predicate::str::contains("hooktap config profile list")),
    );
}

#[test]
fn validate_reports_a_fixtures_dir_that_is_no_directory() {
    let env = Env::new();
    env.write_user_config("fixtures_dir = \"/nonexistent/hooktap-fixtures\"\n");
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(
        predicate::str::contains("fixtures_dir = \"/nonexistent/hooktap-fixtures\"")
            .and(predicate::str::contains("does not exist")),
    );
    let file = env.path("plain-file");
    common::write(&file, "");
    env.write_user_config(&format!("fixtures_dir = {:?}\n", file.display().to_string()));
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(predicate::str::contains("is not a directory"));
    env.write_user_config(&format!("fixtures_dir = {:?}\n", env.work().display().to_string()));
    env.cmd().args(["config", "validate"]).assert().success();
}

#[test]
fn validate_names_a_fixtures_folder_that_belongs_to_no_provider_or_custom_profile() {
    let env = Env::new();
    let fixtures = env.path("fx");
    for folder in ["noprov", "inhouse"] {
        std::fs::create_dir_all(fixtures.join(folder)).unwrap();
    }
    // A valid catalog in a misspelt folder loads, but no send could ever pick it.
    common::write(&fixtures.join("nexadsk/catalog.toml"), "[[event]]\nname = \"thing.made\"\nfile = \"thing.json\"\n");
    common::write(&fixtures.join("nexadsk/thing.json"), "{\"event\": \"thing.made\"}\n");
    env.write_user_config(&format!(
        "fixtures_dir = {:?}\n\n[profiles.inhouse]\nprovider = \"custom\"\nsecret = \"s\"\n\n\
         [profiles.inhouse.scheme]\nheader = \"X-Sig\"\ntemplate = \"{{body}}\"\n",
        fixtures.display().to_string()
    ));
    let out = env.cmd().args(["config", "validate"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("noprov is not a provider or custom profile name"), "{stderr}");
    assert!(stderr.contains("to add inhouse events, list them in"), "the custom profile's folder: {stderr}");
    assert!(stderr.contains("is named nexadsk, which is not a provider or custom profile name"), "{stderr}");
}

#[test]
fn relative_paths_are_stored_absolute_so_the_config_works_from_any_directory() {
    let env = Env::new();
    common::write(&env.work().join("sec.txt"), "s3cr3t\n");
    std::fs::create_dir_all(env.work().join("fx")).unwrap();
    let elsewhere = env.path("home");
    env.cmd()
        .args(["config", "profile", "add", "gh", "--provider", "github", "--secret-file", "sec.txt"])
        .assert()
        .success();
    env.cmd().args(["config", "set", "fixtures_dir", "fx"]).assert().success();
    env.cmd().args(["config", "set", "db", "my.db"]).assert().success();
    env.cmd().args(["config", "set", "profiles.gh.secret_file", "./sec.txt"]).assert().success();
    let text = std::fs::read_to_string(env.user_config()).unwrap();
    // The child sees its working directory without symlinks (getcwd).
    let work = std::fs::canonicalize(env.work()).unwrap().display().to_string();
    for stored in [format!("secret_file = \"{work}/sec.txt\""), format!("fixtures_dir = \"{work}/fx\"")] {
        assert!(text.contains(&stored), "{stored} in:\n{text}");
    }
    env.cmd().args(["config", "validate"]).current_dir(&elsewhere).assert().success();
    // The db setting is the database `config path` shows.
    env.cmd()
        .args(["config", "path"])
        .current_dir(&elsewhere)
        .assert()
        .stdout(predicate::str::contains(format!("db      {work}/my.db")));
    // `~/` is kept as typed; a project file is read only in its directory, so it keeps relative paths.
    env.cmd().args(["config", "set", "fixtures_dir", "~/fx"]).assert().success();
    assert!(std::fs::read_to_string(env.user_config()).unwrap().contains("fixtures_dir = \"~/fx\""));
    env.cmd().args(["config", "set", "--project", "fixtures_dir", "fx"]).assert().success();
    assert!(std::fs::read_to_string(env.work().join("hooktap.toml")).unwrap().contains("fixtures_dir = \"fx\""));
}

#[test]
fn an_empty_secret_is_refused_from_every_source() {
    let env = Env::new();
    common::write(&env.work().join("empty.txt"), "\n");
    env.write_user_config("[profiles.inl]\nprovider = \"github\"\nsecret = \"\"\n");
    let verify = ["verify", "-H", "X-Hub-Signature-256: sha256=00"];
    let cases: [(&[&str], &str); 4] = [
        (&["--provider", "github", "--secret", ""], "--secret is empty"),
        (&["--provider", "github", "--secret-env", "MT"], "environment variable MT is empty"),
        (&["--provider", "github", "--secret-file", "empty.txt"], "secret file empty.txt is empty"),
        (&["--profile", "inl"], "profile inl: secret is empty"),
    ];
    for (args, message) in cases {
        env.cmd()
            .args(verify)
            .args(args)
            .env("MT", "")
            .write_stdin("{}")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message).and(predicate::str::contains("hint:")));
    }
    // Unset is still told apart from empty.
    env.cmd()
        .args(verify)
        .args(["--provider", "github", "--secret-env", "MT"])
        .env_remove("MT")
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("MT is not set"));
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(predicate::str::contains("secret is empty"));
    env.cmd()
        .args(["config", "profile", "add", "e", "--provider", "github", "--secret", ""])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--secret is empty"));
}

#[test]
fn provider_custom_on_the_command_line_points_to_profiles() {
    let env = Env::new();
    env.cmd()
        .args(["verify", "--provider", "custom", "--secret", "x", "-H", "X-Sig: 00"])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("a custom scheme is defined in a profile")
                .and(predicate::str::contains("--profile NAME"))
                .and(predicate::str::contains("unknown provider").not()),
        );
}

/// Regression: `config get profiles.desk.secret_env` said `unknown key`, although
/// `config set` writes that key and its help uses it as the example.
#[test]
fn get_reads_every_profile_field_that_set_writes() {
    let env = Env::new();
    env.cmd()
        .args(["config", "profile", "add", "desk", "--provider", "nexadesk", "--secret-env", "NEXADESK_WEBHOOK_SECRET"])
        .assert()
        .success();
    env.cmd()
        .args(["config", "get", "profiles.desk.secret_env"])
        .assert()
        .success()
        .stdout("NEXADESK_WEBHOOK_SECRET\n");
    common::write(&env.work().join("sec.txt"), "s\n");
    let secret_file = std::fs::canonicalize(env.work()).unwrap().join("sec.txt").display().to_string();
    // Each field `config set` takes, set and read back; the secret itself stays redacted.
    let fields = [
        ("a", "provider", "github", "github"),
        ("a", "secret", "topsecret-value", "(redacted)"),
        ("a", "auth_env", "GH_AUTH", "GH_AUTH"),
        ("a", "tolerance", "60", "60"),
        ("b", "provider", "github", "github"),
        ("b", "secret_file", "sec.txt", &secret_file),
        ("c", "provider", "github", "github"),
        ("c", "secret_env", "GH_SECRET", "GH_SECRET"),
    ];
    for (profile, field, value, shown) in fields {
        let key = format!("profiles.{profile}.{field}");
        env.cmd().args(["config", "set", &key, value]).assert().success();
        env.cmd().args(["config", "get", &key]).assert().success().stdout(format!("{shown}\n"));
    }
    let file = env.user_config().display().to_string();
    let out = env.cmd().args(["--json", "config", "get", "profiles.a.secret"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json, serde_json::json!({"key": "profiles.a.secret", "value": "(redacted)", "origin": file}));
    // A field the profile does not set says what applies instead, like an unset setting.
    env.cmd()
        .args(["config", "get", "profiles.desk.tolerance"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("profiles.desk.tolerance is not set; by default: the provider's tolerance"));
    env.cmd().args(["config", "get", "profiles.nope.provider"]).assert().code(2).stderr(
        predicate::str::contains("profiles.nope.provider: no profile named \"nope\"")
            .and(predicate::str::contains("known profiles: a, b, c, desk")),
    );
    env.cmd().args(["config", "get", "profiles.desk.colour"]).assert().code(2).stderr(
        predicate::str::contains("unknown profile field \"colour\"")
            .and(predicate::str::contains("provider, secret_env, secret_file, secret, auth_env, tolerance")),
    );
    env.cmd().args(["config", "get", "profiles.desk"]).assert().code(2).stderr(
        predicate::str::contains("names no profile field").and(predicate::str::contains("profiles.NAME.FIELD")),
    );
}

/// Regression: a `fixtures_dir` that does not exist (the documented sample, copied
/// as is) or that holds a folder without `catalog.toml` made every send exit 2,
/// even `send --list --provider github`.
#[test]
fn fixtures_dir_problems_break_only_the_provider_whose_catalog_is_broken() {
    let env = Env::new();
    let fx = env.path("home/fx");
    let list_github = ["send", "--list", "--provider", "github"];
    env.write_user_config("fixtures_dir = \"~/fx\"\n");
    env.cmd()
        .args(list_github)
        .assert()
        .success()
        .stdout(predicate::str::contains("push"))
        .stderr(predicate::str::contains(format!("warning: fixtures_dir {} does not exist", fx.display())));
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(
        predicate::str::contains(format!(
            "config.toml, line 1: fixtures_dir = \"~/fx\": {} does not exist",
            fx.display()
        ))
        .and(predicate::str::contains("hint: create that directory")),
    );

    std::fs::create_dir_all(fx.join("github")).unwrap();
    let skipped = format!("{} holds no catalog.toml, so it is skipped", fx.join("github").display());
    env.cmd()
        .args(list_github)
        .assert()
        .success()
        .stdout(predicate::str::contains("push"))
        .stderr(predicate::str::contains(format!("warning: fixtures_dir: {skipped}")));
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(predicate::str::contains(&skipped));

    // A broken catalog fails sends of its own provider only, naming the file and line.
    common::write(&fx.join("nexadesk/catalog.toml"), "[[event]]\nname = \"x\"\nfile = \"x.json\"\nflavour = 1\n");
    let at = format!("{}:4: unknown field `flavour`", fx.join("nexadesk/catalog.toml").display());
    let send = |provider: &str, event: &str| {
        let mut cmd = env.cmd();
        cmd.args(["send", event, "--provider", provider, "--secret", "s", "--to", "http://127.0.0.1:9/", "--dry-run"]);
        cmd
    };
    send("github", "push").assert().success().stderr(predicate::str::contains(&at).not());
    send("nexadesk", "lead.created")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("error: fixtures_dir: {at}")));
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(predicate::str::contains(&at));
}

#[test]
fn the_init_template_works_as_written_and_with_fixtures_dir_uncommented() {
    let env = Env::new();
    env.cmd().args(["config", "init"]).assert().success();
    env.cmd().args(["send", "--list", "--provider", "github"]).assert().success().stderr("");
    env.cmd().args(["config", "validate"]).assert().success();
    let template = std::fs::read_to_string(env.user_config()).unwrap();
    let line = template.lines().find(|l| l.starts_with("# fixtures_dir = ")).expect("a fixtures_dir example");
    env.write_user_config(&template.replace(line, &line[2..]));
    env.cmd()
        .args(["send", "--list", "--provider", "github"])
        .assert()
        .success()
        .stderr(predicate::str::contains("does not exist; only built-in events are available"));
}

/// Regression: `validate` said `ok` for a Standard Webhooks profile whose secret
/// is not base64, which `verify` and `send` then refuse.
#[test]
fn validate_reports_a_secret_its_provider_cannot_use_without_printing_it() {
    let env = Env::new();
    common::write(&env.work().join("std.txt"), "not-base64!\n");
    let file = std::fs::canonicalize(env.work()).unwrap().join("std.txt").display().to_string();
    env.write_user_config(&format!(
        "[profiles.inl]\nprovider = \"standard\"\nsecret = \"bad secret\"\n\
         [profiles.fil]\nprovider = \"svix\"\nsecret_file = {file:?}\n\
         [profiles.var]\nprovider = \"standard\"\nsecret_env = \"STD_SECRET\"\n\
         [profiles.gh]\nprovider = \"github\"\nsecret = \"bad secret\"\n"
    ));
    let out = env.cmd().args(["config", "validate"]).env("STD_SECRET", "whsec_%%%").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    for want in [
        "profile inl: the inline secret is not usable for standard: ",
        "is not base64: it contains whitespace",
        &format!("profile fil: the secret in {file} is not usable for standard"),
        "profile var: the secret in $STD_SECRET is not usable for standard: ",
        "the part after whsec_ is not base64",
        "3 configuration problem(s)",
    ] {
        assert!(stderr.contains(want), "{want:?} in:\n{stderr}");
    }
    assert!(!stderr.contains("profile gh"), "any text is an HMAC key for github:\n{stderr}");
    for secret in ["bad secret", "not-base64!", "whsec_%%%"] {
        assert!(!stderr.contains(secret), "{secret:?} leaked:\n{stderr}");
    }
    // The same check as verify's: a valid whsec_ secret passes.
    env.cmd()
        .args(["config", "validate"])
        .env("STD_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("profile var").not());
    env.cmd()
        .args([
            "verify",
            "--profile",
            "inl",
            "-H",
            "webhook-id: a",
            "-H",
            "webhook-timestamp: 1",
            "-H",
            "webhook-signature: v1,AA==",
        ])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not base64: it contains whitespace"));
}

/// The configuration sample in docs/configuration.md is what users copy: it must stay valid.
#[test]
fn the_documented_sample_config_validates() {
    let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/configuration.md");
    let text = std::fs::read_to_string(page).unwrap();
    let sample = text
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a ```toml block in docs/configuration.md");
    assert!(sample.contains("[[routes]]"), "the whole sample, not a fragment:\n{sample}");
    let env = Env::new();
    env.write_user_config(sample);
    env.cmd()
        .args(["config", "validate"])
        .env("NEXADESK_WEBHOOK_SECRET", "desk-secret")
        .env("NEXUS_SECRET", "nexus-secret")
        .env("NEXUS_AUTH", "Bearer token")
        .env("INHOUSE_SECRET", "inhouse-secret")
        .assert()
        .success();
}

/// Regression: `config set` on a key already in the file replaced the whole
/// line, losing the comment above it and the one after its value, and
/// `profile add --force` cleared the profile's table, comments and all.
#[test]
fn set_and_profile_add_force_keep_the_comments_around_a_changed_value() {
    let env = Env::new();
    let file = env.path("u.toml");
    let text = "# Top comment\nprofile = \"desk\"   # default profile\n\n[listen]\n# the port\nport = 5757 # trailing\n\n\
                [profiles.desk]\n# who signs\nprovider = \"nexadesk\" # NexaDesk\n# where the secret is\nsecret_env = \"A\" # env\n\n\
                [profiles.gh]\nprovider = \"github\"\nsecret_env = \"GH\"\n";
    common::write(&file, text);
    let config = ["--config", file.to_str().unwrap()];
    for args in [
        &["config", "set", "listen.port", "9090"][..],
        &["config", "set", "profile", "gh"],
        &["config", "set", "profiles.desk.secret_env", "B"],
        &["config", "profile", "add", "desk", "--provider", "nexadesk", "--secret-env", "C", "--force"],
    ] {
        env.cmd().args(config).args(args).assert().success();
    }
    let expected = text
        .replace("port = 5757 # trailing", "port = 9090 # trailing")
        .replace("profile = \"desk\"   # default profile", "profile = \"gh\"   # default profile")
        .replace("secret_env = \"A\" # env", "secret_env = \"C\" # env");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);

    // A field the replacement no longer sets goes, and only its own comment with it.
    env.cmd()
        .args(config)
        .args(["config", "profile", "add", "desk", "--provider", "nexadesk", "--secret-file", "s.txt", "--force"])
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).unwrap();
    let desk = table_body(&text, "[profiles.desk]");
    assert!(desk.starts_with("\n# who signs\nprovider = \"nexadesk\" # NexaDesk\n"), "{text}");
    assert!(!desk.contains("secret_env") && !desk.contains("# where the secret is"), "{text}");
    assert!(desk.contains("secret_file = "), "{text}");
}

/// Regression: an edit replaced a symlinked config (a dotfile manager's link)
/// with a regular file and left the file it pointed to unchanged.
#[cfg(unix)]
#[test]
fn edits_write_through_a_symlinked_config_and_keep_the_link() {
    let env = Env::new();
    let real = env.path("dotfiles/hooktap.toml");
    common::write(&real, "# mine\nretain_days = 30\n");
    // A relative link to a relative link, as `ln -s` and stow make them.
    std::os::unix::fs::symlink("dotfiles/hooktap.toml", env.path("middle.toml")).unwrap();
    std::os::unix::fs::symlink("middle.toml", env.path("link.toml")).unwrap();
    let link = env.path("link.toml");
    env.cmd().args(["--config", link.to_str().unwrap(), "config", "set", "retain_days", "9"]).assert().success();
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "# mine\nretain_days = 9\n");
    for l in [&link, &env.path("middle.toml")] {
        assert!(std::fs::symlink_metadata(l).unwrap().file_type().is_symlink(), "{} is no longer a link", l.display());
    }

    // The user file linked to a file not written yet: init creates the target, profile add edits it.
    std::fs::create_dir_all(env.user_config().parent().unwrap()).unwrap();
    let target = env.path("dotfiles/user.toml");
    std::os::unix::fs::symlink(&target, env.user_config()).unwrap();
    env.cmd().args(["config", "init"]).assert().success();
    env.cmd().args(["config", "profile", "add", "gh", "--provider", "github", "--secret-env", "GH"]).assert().success();
    assert!(std::fs::symlink_metadata(env.user_config()).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&target).unwrap().contains("[profiles.gh]"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o600);
}

/// Regression: `config set` wrote the user file while `./hooktap.toml` (or a
/// HOOKTAP_* variable) set the same key and won, and said only `set KEY in FILE`.
#[test]
fn set_warns_when_a_later_layer_overrides_the_value_it_writes() {
    let env = Env::new();
    env.write_project_config("[listen]\nport = 7000\n\n[profiles.desk]\nprovider = \"github\"\nsecret_env = \"P\"\n");
    let user = env.user_config().display().to_string();
    env.cmd().args(["config", "set", "listen.port", "7100"]).assert().success().stderr(
        predicate::str::contains(format!("warning: listen.port is also set in hooktap.toml, which wins over {user}"))
            .and(predicate::str::contains("listen.port stays 7000"))
            .and(predicate::str::contains("--project")),
    );
    env.cmd().args(["config", "get", "listen.port"]).assert().stdout("7000\n");
    env.cmd()
        .args(["config", "set", "profiles.desk.provider", "stripe"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: profile desk is also defined in hooktap.toml"));
    // Where the value written is the one in effect, nothing is said but that.
    for args in
        [&["config", "set", "--project", "listen.port", "7100"][..], &["config", "set", "listen.bind", "0.0.0.0"]]
    {
        env.cmd().args(args).assert().success().stderr(predicate::str::contains("warning").not());
    }
    env.cmd().args(["config", "get", "listen.port"]).assert().stdout("7100\n");
    env.cmd()
        .args(["config", "set", "--project", "listen.port", "7300"])
        .env("HOOKTAP_LISTEN_PORT", "7200")
        .assert()
        .success()
        .stderr(
            predicate::str::contains("warning: HOOKTAP_LISTEN_PORT is set and wins over hooktap.toml")
                .and(predicate::str::contains("listen.port stays 7200"))
                .and(predicate::str::contains("unset HOOKTAP_LISTEN_PORT")),
        );
    // -q keeps it quiet, like every warning.
    env.cmd().args(["-q", "config", "set", "listen.port", "7400"]).assert().success().stderr("");
}

/// Regression: `config profile remove` left the default `profile =` and routes
/// naming the profile behind, so every send and `config validate` failed after.
#[test]
fn profile_remove_refuses_while_the_default_or_a_route_names_the_profile() {
    let env = Env::new();
    let text = "profile = \"desk\"\n\n[profiles.desk]\nprovider = \"nexadesk\"\nsecret_env = \"D\"\n\n\
                [profiles.gh]\nprovider = \"github\"\nsecret_env = \"G\"\n\n\
                [[routes]]\npath = \"/a\"\nprofile = \"gh\"\n\n[[routes]]\npath = \"/b\"\nprofile = \"desk\"\n";
    env.write_user_config(text);
    let file = env.user_config().display().to_string();
    env.cmd().args(["config", "profile", "remove", "desk"]).assert().code(2).stderr(
        predicate::str::contains(format!(
            "profile desk is still used: `profile =` (the default) in {file}; routes[1] (/b) in {file}"
        ))
        .and(predicate::str::contains("hooktap config unset profile"))
        .and(predicate::str::contains("[[routes]]")),
    );
    env.cmd()
        .args(["config", "profile", "remove", "gh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("profile gh is still used: routes[0] (/a) in {file}")));
    assert_eq!(std::fs::read_to_string(env.user_config()).unwrap(), text);

    // A route in ./hooktap.toml counts too; a profile the project file also defines does not dangle.
    env.write_user_config("[profiles.gh]\nprovider = \"github\"\nsecret_env = \"G\"\n");
    env.write_project_config("[[routes]]\npath = \"/a\"\nprofile = \"gh\"\n");
    env.cmd()
        .args(["config", "profile", "remove", "gh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("profile gh is still used: routes[0] (/a) in hooktap.toml"));
    env.write_project_config(
        "[profiles.gh]\nprovider = \"github\"\nsecret_env = \"P\"\n[[routes]]\npath = \"/a\"\nprofile = \"gh\"\n",
    );
    env.cmd().args(["config", "profile", "remove", "gh"]).assert().success();
    assert!(!std::fs::read_to_string(env.user_config()).unwrap().contains("gh"));
}

/// Regression: `config set listen.max_body 99999999999GiB` failed with "got integer -1".
#[test]
fn a_size_too_large_to_store_is_refused_with_the_limit() {
    let env = Env::new();
    env.cmd().args(["config", "set", "listen.max_body", "99999999999GiB"]).assert().code(2).stderr(
        predicate::str::contains("listen.max_body: size \"99999999999GiB\" is too large: at most 9223372036854775807")
            .and(predicate::str::contains("-1").not()),
    );
    assert!(!env.user_config().exists());
    env.cmd().args(["config", "set", "listen.max_body", "8GiB"]).assert().success();
    env.cmd().args(["config", "get", "listen.max_body"]).assert().stdout("8589934592\n");
}

/// Regression: values that can only break later (a zero timeout or body limit, a
/// bind address that is none, a first retry delay longer than the longest) were
/// written by `config set` and passed `config validate`.
#[test]
fn set_refuses_and_validate_reports_values_that_can_only_break_later() {
    let env = Env::new();
    let cases = [
        ("send.timeout", "0", "send.timeout must be longer than 0"),
        ("listen.forward_timeout", "0s", "listen.forward_timeout must be longer than 0"),
        ("listen.header_timeout", "0ms", "listen.header_timeout must be longer than 0"),
        ("listen.max_body", "0", "listen.max_body must be at least 1 byte"),
        ("listen.max_body", "0MiB", "listen.max_body must be at least 1 byte"),
        ("listen.bind", "999.1.1.1", "listen.bind: \"999.1.1.1\" is not an IP address"),
        ("listen.bind", "not an ip", "listen.bind: \"not an ip\" is neither an IP address nor a host name"),
        // RFC 6761: names under .invalid never resolve.
        ("listen.bind", "notanip.invalid", "no address of this machine"),
        ("listen.retry_base", "1h", "is longer than listen.retry_max = \"60s\" by default"),
        ("listen.retry_max", "1ms", "listen.retry_base = \"1s\" by default is longer than listen.retry_max = \"1ms\""),
    ];
    for (key, value, says) in cases {
        env.cmd()
            .args(["config", "set", key, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says).and(predicate::str::contains("hint:")));
        assert!(!env.user_config().exists(), "config set {key} {value} wrote the file");
    }
    // Zero keeps its documented meaning where it has one, and so does a value set in the right order.
    for (key, value) in
        [("listen.port", "0"), ("listen.retry_base", "0s"), ("listen.retry_max", "2h"), ("listen.retry_base", "1h")]
    {
        env.cmd().args(["config", "set", key, value]).assert().success();
    }
    env.cmd().args(["config", "set", "listen.retry_max", "30m"]).assert().code(2).stderr(predicate::str::contains(
        format!(
            "listen.retry_base = \"1h\" in {} is longer than listen.retry_max = \"30m\"",
            env.user_config().display()
        ),
    ));

    // Written by hand: a bad value alone is an error naming file, line and key, for validate as for every command.
    env.write_user_config("[send]\ntimeout = \"0s\"\n");
    env.cmd()
        .args(["config", "validate"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 2: send.timeout must be longer than 0"));
    env.write_user_config("[listen]\nmax_body = 0\n");
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(predicate::str::contains("line 2: listen.max_body"));
    env.write_user_config("");
    env.cmd()
        .args(["config", "get", "send.timeout"])
        .env("HOOKTAP_SEND_TIMEOUT", "0")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("HOOKTAP_SEND_TIMEOUT"));
    // Values that are wrong together, or on this machine, are validate's problems.
    let file = env.user_config().display().to_string();
    env.write_user_config("[listen]\nbind = \"notanip.invalid\"\nretry_base = \"1h\"\nretry_max = \"1ms\"\n");
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(
        predicate::str::contains(format!("listen.bind = \"notanip.invalid\" in {file}: no address of this machine"))
            .and(predicate::str::contains(format!(
                "listen.retry_base = \"1h\" in {file} is longer than listen.retry_max = \"1ms\" in {file}"
            )))
            .and(predicate::str::contains("2 configuration problem(s)")),
    );
    env.write_user_config("[listen]\nbind = \"localhost\"\nretry_base = \"0s\"\nport = 0\n");
    env.cmd().args(["config", "validate"]).assert().success();
}

/// The `hooktap: error:` line and its hint of a command that failed at start.
fn refusal(out: &std::process::Output) -> (String, String) {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let error = stderr.lines().find_map(|l| l.strip_prefix("hooktap: error: ")).unwrap_or_else(|| panic!("{stderr}"));
    let hint = stderr.lines().find_map(|l| l.strip_prefix("  hint: ")).unwrap_or_else(|| panic!("{stderr}"));
    (error.to_string(), hint.to_string())
}

/// Regression: `config validate` said ok for routes `listen` refuses to start
/// with (an event Nexudus never sends, two routes on one path). Both name the
/// same line.
#[test]
fn validate_refuses_the_routes_listen_refuses_with_the_same_words() {
    let env = Env::new();
    let head = "[profiles.nx]\nprovider = \"nexudus\"\nsecret = \"s3cr3t\"\n\n";
    let cases = [
        ("[[routes]]\npath = \"/nexudus\"\nprofile = \"nx\"\nevents = [\"Coworker Updat\"]\n", 8),
        ("[[routes]]\npath = \"/hooks\"\nprofile = \"nx\"\n\n[[routes]]\npath = \"/hooks/\"\nprofile = \"nx\"\n", 10),
        ("[[routes]]\npath = \"/x\"\nprofile = \"nx\"\nforward_to = \"not a url\"\n", 8),
        ("[[routes]]\npath = \"/x\"\nprofile = \"nope\"\n", 7),
    ];
    let file = env.user_config().display().to_string();
    for (routes, line) in cases {
        env.write_user_config(&format!("{head}{routes}"));
        let listen = env
            .cmd()
            .args(["listen", "--port", "0", "--db", env.path("l.db").to_str().unwrap()])
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .unwrap();
        assert_eq!(listen.status.code(), Some(2), "listen with {routes}");
        let (error, hint) = refusal(&listen);
        let place = format!("config {file}, line {line}: ");
        let error = error.strip_prefix(&place).unwrap_or_else(|| panic!("listen names {place:?}: {error}"));
        let validate = env.cmd().args(["config", "validate"]).output().unwrap();
        assert_eq!(validate.status.code(), Some(2), "validate with {routes}");
        let stderr = String::from_utf8(validate.stderr).unwrap();
        let want = format!("hooktap: config: {file}, line {line}: {error}\n  hint: {hint}\n");
        assert!(stderr.contains(&want), "{want:?} in:\n{stderr}");
        assert!(stderr.contains("1 configuration problem(s)"), "{stderr}");
    }
    // An event missing from a sample catalog (GitHub's) is a warning for both, not a refusal.
    env.write_user_config(
        "[profiles.gh]\nprovider = \"github\"\nsecret = \"s\"\n[[routes]]\npath = \"/gh\"\nprofile = \"gh\"\nevents = [\"pushh\"]\n",
    );
    env.cmd()
        .args(["config", "validate"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: routes[0] (/gh): unknown github event \"pushh\""));
}

/// Regression: two routes on one path were reported only once every route built,
/// so a broken route hid the repeat until it was fixed.
#[test]
fn validate_reports_a_repeated_route_path_alongside_a_broken_route() {
    let env = Env::new();
    let file = env.user_config().display().to_string();
    env.write_user_config(
        "[[routes]]\npath = \"/gh\"\nforward_to = \"ftp://x/\"\n\n[[routes]]\npath = \"/gh/\"\nforward_to = \"http://localhost:3000\"\n",
    );
    let out = env.cmd().args(["config", "validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    for want in [
        format!("{file}, line 3: routes[0] (/gh): forward target \"ftp://x/\""),
        format!("{file}, line 6: two routes share the path prefix /gh"),
        "2 configuration problem(s)".to_string(),
    ] {
        assert!(stderr.contains(&want), "{want:?} in:\n{stderr}");
    }
}

/// Regression: problems of a profile pointed at its `[profiles.X]` header and those
/// of a route at line 1 or no line; each names the line of the key at fault.
#[test]
fn validate_cites_the_line_of_the_key_at_fault() {
    let env = Env::new();
    let file = env.user_config().display().to_string();
    env.write_user_config(
        "# hooktap\n\n[profiles.a]\n# a comment\nprovider = \"github\"\nsecret_env = \"HOOKTAP_E2E_UNSET\"\n\n\
         [profiles.b]\nprovider = \"github\"\n\n[[routes]]\npath = \"/a\"\n\n[[routes]]\npath = \"/b\"\n\
         profile = \"a\"\nforward_to = \"ftp://x/\"\n",
    );
    let out = env.cmd().args(["config", "validate"]).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    for want in [
        format!("{file}, line 6: profile a: environment variable HOOKTAP_E2E_UNSET is not set"),
        format!("{file}, line 8: profile b: no secret source"),
        format!("{file}, line 17: routes[1] (/b): forward target \"ftp://x/\""),
    ] {
        assert!(stderr.contains(&want), "{want:?} in:\n{stderr}");
    }
    // The route whose profile is broken is reported with the profile, once.
    assert_eq!(stderr.matches("HOOKTAP_E2E_UNSET").count(), 2, "{stderr}");
    let json = env.cmd().args(["--json", "config", "validate"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["details"][1]["line"], 8, "{json}");
    assert_eq!(json["problems"][1], format!("{file}, line 8: profile b: no secret source"), "{json}");
}

/// Regression: `profile add` wrote profiles validate rejects, without a word.
#[test]
fn profile_add_refuses_what_cannot_work_and_warns_of_what_is_missing_yet() {
    let env = Env::new();
    let add = |args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.args(["config", "profile", "add"]).args(args);
        cmd
    };
    add(&["std", "--provider", "standard", "--secret", "not-base64!"]).assert().code(2).stderr(
        predicate::str::contains("--secret is not usable for standard")
            .and(predicate::str::contains("hint: Standard Webhooks secrets look like whsec_"))
            .and(predicate::str::contains("not-base64!").not()),
    );
    assert!(!env.user_config().exists());
    add(&["std", "--provider", "standard", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
    add(&["nosecret", "--provider", "github"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: profile nosecret has no secret"));
    let missing = env.path("nope.txt");
    add(&["fileless", "--provider", "github", "--secret-file", missing.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("warning: secret file {} does not exist yet", missing.display())));
    add(&["envless", "--provider", "github", "--secret-env", "HOOKTAP_E2E_UNSET"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: HOOKTAP_E2E_UNSET is not set in this environment"));
    add(&["stdenv", "--provider", "standard", "--secret-env", "STD_SECRET"])
        .env("STD_SECRET", "whsec_%%%")
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: the secret in $STD_SECRET is not usable for standard"));
    // `..` is resolved in the path that is stored.
    common::write(&env.path("sec.txt"), "s\n");
    add(&["rel", "--provider", "github", "--secret-file", "../sec.txt"]).assert().success();
    let root = std::fs::canonicalize(env.root.path()).unwrap();
    let text = std::fs::read_to_string(env.user_config()).unwrap();
    assert!(text.contains(&format!("secret_file = \"{}\"", root.join("sec.txt").display())), "{text}");
}

/// Regression: some usage errors of `config` came without a hint, and an unknown
/// provider without the nearest names.
#[test]
fn config_usage_errors_have_a_hint_and_unknown_providers_the_nearest_name() {
    let env = Env::new();
    for (args, says, hint) in [
        (
            &["config", "set", "listen.port", "abc"][..],
            "listen.port expects a whole number",
            "give a whole number from 0 to 65535",
        ),
        (&["config", "set", "listen.ack", "passthru"], "listen.ack must be one of", "did you mean passthrough?"),
        (&["config", "set", "profiles.x.tolerance", "5m"], "whole number of seconds", "e.g. 300"),
        (&["config", "profile", "add", "a b", "--provider", "github"], "profile name \"a b\"", "e.g. a-b"),
        (
            &["config", "profile", "add", "z", "--provider", "nexudos", "--secret-env", "X"],
            "unknown provider \"nexudos\"",
            "did you mean nexudus?",
        ),
    ] {
        env.cmd()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says).and(predicate::str::contains(format!("  hint: {hint}"))));
    }
    env.write_user_config("# mine\n[profiles.b]\nprovider = \"gitbub\"\nsecret = \"x\"\n");
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(
        predicate::str::contains("line 3: profiles.b.provider: unknown provider \"gitbub\"")
            .and(predicate::str::contains("hint: did you mean github?")),
    );
}

/// Regression: "did you mean" offered three keys however far from the one typed.
#[test]
fn unknown_keys_suggest_only_close_names() {
    let env = Env::new();
    env.cmd()
        .args(["config", "get", "nope.key"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean").not().and(predicate::str::contains("`hooktap config list`")));
    env.cmd()
        .args(["config", "get", "listen.prot"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean: listen.port? ("));
    env.write_user_config("foo = 1\n");
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(
        predicate::str::contains("line 1: unknown key `foo`").and(predicate::str::contains("did you mean").not()),
    );
}

/// Regression: `config set listen.max_body 10MiB` wrote 10485760.
#[test]
fn set_writes_a_size_as_typed() {
    let env = Env::new();
    env.cmd().args(["config", "set", "listen.max_body", "10MiB"]).assert().success();
    assert!(std::fs::read_to_string(env.user_config()).unwrap().contains("max_body = \"10MiB\"\n"));
    env.cmd().args(["config", "get", "listen.max_body"]).assert().success().stdout("10485760\n");
    env.cmd().args(["config", "set", "listen.max_body", "2048"]).assert().success();
    assert!(std::fs::read_to_string(env.user_config()).unwrap().contains("max_body = 2048\n"));
    env.cmd().args(["config", "validate"]).assert().success();
}

/// Each problem of a fixtures directory is said once, as a problem, not also as a warning.
#[test]
fn validate_says_each_fixtures_dir_problem_once() {
    let env = Env::new();
    let fx = env.path("fx");
    common::write(&fx.join("github/catalog.toml"), "garbage = [\n");
    std::fs::create_dir_all(fx.join("noprov")).unwrap();
    env.write_user_config(&format!("fixtures_dir = {:?}\n", fx.display().to_string()));
    let out = env.cmd().args(["config", "validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_eq!(stderr.matches("github/catalog.toml:1").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("noprov holds no catalog.toml").count(), 1, "{stderr}");
    assert!(stderr.contains("2 configuration problem(s)"), "{stderr}");
}

/// Regression: long profile names broke the columns of `profile list`, and
/// `profile add --force` said "added" for a profile it replaced.
#[test]
fn profile_list_sizes_its_columns_and_add_force_says_replaced() {
    let env = Env::new();
    let long = "a-very-long-profile-name-indeed";
    for (name, provider) in [(long, "nexus"), ("sv", "standard")] {
        env.cmd()
            .args(["config", "profile", "add", name, "--provider", provider, "--secret-env", "X"])
            .assert()
            .success()
            .stderr(predicate::str::contains(format!("added profile {name} ({provider}) to ")));
    }
    env.cmd()
        .args(["config", "profile", "add", "sv", "--provider", "standard", "--secret-env", "Y", "--force"])
        .assert()
        .success()
        .stderr(predicate::str::contains("replaced profile sv (standard) in "));
    let out = env.cmd().args(["config", "profile", "list"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let columns: Vec<Vec<usize>> = text
        .lines()
        .map(|l| ["PROVIDER", "nexus", "standard"].iter().filter_map(|w| l.find(&format!(" {w} "))).collect())
        .collect();
    assert_eq!(columns.len(), 3, "{text}");
    assert!(columns.iter().all(|c| c.len() == 1 && c[0] == columns[0][0]), "provider column not aligned:\n{text}");
    assert!(text.lines().nth(1).unwrap().starts_with(&format!("{long}  ")), "{text}");
}

/// Regression: a table written twice was reported as a bare "duplicate key", naming
/// neither the table nor where it was first defined.
#[test]
fn a_table_or_key_defined_twice_is_named_with_its_first_line() {
    let env = Env::new();
    env.write_user_config("[profiles.a]\nprovider = \"github\"\n\n[ profiles . a ]\nprovider = \"stripe\"\n");
    env.cmd().args(["config", "validate"]).assert().code(2).stderr(
        predicate::str::contains("line 4: table [profiles.a] is defined twice (first at line 1)")
            .and(predicate::str::contains("hint: merge the two [profiles.a] tables into one")),
    );
    env.write_user_config("[listen]\nport = 1\nbind = \"127.0.0.1\"\nport = 2\n");
    env.cmd()
        .args(["config", "validate"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 4: key `port` is set twice in [listen] (first at line 2)"));
}
