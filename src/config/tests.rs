//! Config tests: layering, file/line/key errors, secrets.

use std::path::Path;

use super::file::parse;
use super::*;

fn layer(name: &str, text: &str) -> FileLayer {
    parse(Path::new(name), text).unwrap_or_else(|e| panic!("{name}: {}", e.message))
}

#[test]
fn later_layers_win_and_env_beats_files() {
    let user = layer("user.toml", "retain_days = 30\n[listen]\nport = 6000\nbind = \"0.0.0.0\"\n");
    let project = layer("hooktap.toml", "[listen]\nport = 7000\n");
    let env = vec![("HOOKTAP_LISTEN_BIND".to_string(), "127.0.0.2".to_string())];
    let cfg = Config::from_layers(vec![user, project], &env).unwrap();
    assert_eq!(cfg.get_int("listen.port"), Some(7000));
    assert_eq!(cfg.settings["listen.port"].1, Origin::File("hooktap.toml".into()));
    assert_eq!(cfg.get_str("listen.bind"), Some("127.0.0.2"));
    assert_eq!(cfg.settings["listen.bind"].1, Origin::Env("HOOKTAP_LISTEN_BIND".into()));
    assert_eq!(cfg.get_int("retain_days"), Some(30));
    // Untouched keys keep their defaults.
    assert_eq!(cfg.get_str("listen.ack"), Some("immediate"));
    assert_eq!(cfg.settings["listen.ack"].1, Origin::Default);
    assert_eq!(cfg.get_int("listen.max_body"), Some(5 * 1024 * 1024));
}

#[test]
fn bad_env_values_are_usage_errors_naming_the_variable() {
    let env = vec![("HOOKTAP_LISTEN_PORT".to_string(), "eighty".to_string())];
    let err = Config::from_layers(vec![], &env).unwrap_err();
    assert!(format!("{err:#}").contains("HOOKTAP_LISTEN_PORT"), "{err:#}");
    assert_eq!(crate::error::classify(&err).code, 2);
}

#[test]
fn project_routes_replace_user_routes_and_profiles_merge_by_name() {
    let user = layer(
        "user.toml",
        "[profiles.a]\nprovider = \"github\"\nsecret = \"x\"\n[profiles.b]\nprovider = \"github\"\n\
         [[routes]]\npath = \"/u\"\n",
    );
    let project =
        layer("p.toml", "[profiles.b]\nprovider = \"github\"\nsecret_env = \"B\"\n[[routes]]\npath = \"/p\"\n");
    let cfg = Config::from_layers(vec![user, project], &[]).unwrap();
    assert_eq!(cfg.profiles.len(), 2);
    assert_eq!(cfg.profiles["b"].secret_env.as_deref(), Some("B"));
    assert_eq!(cfg.routes.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(), ["/p"]);
}

#[test]
fn unknown_keys_name_file_line_and_key() {
    let err = parse(Path::new("/x/config.toml"), "[listen]\nport = 1\nprot = 2\n").unwrap_err();
    assert!(err.message.contains("/x/config.toml, line 3"), "{}", err.message);
    assert!(err.message.contains("listen.prot"), "{}", err.message);
    assert!(err.hint.unwrap().contains("listen.port"));

    let err = parse(Path::new("c.toml"), "\n\n[profiles.desk]\nprovider = \"nexadesk\"\nsecrt = \"x\"\n").unwrap_err();
    assert!(err.message.contains("line 5"), "{}", err.message);
    assert!(err.message.contains("secrt"), "{}", err.message);

    let err = parse(Path::new("c.toml"), "colour = \"red\"\n").unwrap_err();
    assert!(err.message.contains("line 1") && err.message.contains("`colour`"), "{}", err.message);
}

#[test]
fn bad_values_and_syntax_name_the_line() {
    let err = parse(Path::new("c.toml"), "[listen]\nport = \"eighty\"\n").unwrap_err();
    assert!(err.message.contains("line 2") && err.message.contains("listen.port"), "{}", err.message);
    let err = parse(Path::new("c.toml"), "[listen]\nack = \"later\"\n").unwrap_err();
    assert!(err.message.contains("immediate, passthrough"), "{}", err.message);
    let err = parse(Path::new("c.toml"), "[listen\n").unwrap_err();
    assert!(err.message.contains("line 1"), "{}", err.message);
    let err = parse(Path::new("c.toml"), "[profiles.x]\nprovider = \"githb\"\n").unwrap_err();
    assert!(err.message.contains("line 2: profiles.x.provider: unknown provider"), "{}", err.message);
    assert!(err.hint.unwrap().starts_with("did you mean github?"));
    let err = parse(Path::new("c.toml"), "[profiles.x]\nprovider = \"github\"\nsecret = \"a\"\nsecret_env = \"B\"\n")
        .unwrap_err();
    assert!(err.message.contains("only one of"), "{}", err.message);
}

/// Regression: semantic errors cited line 1 (routes) or the `[profiles.X]` header,
/// not the key at fault.
#[test]
fn semantic_errors_cite_the_line_of_the_key_at_fault() {
    let text = "# c\nretain_days = 7\n\n[[routes]]\npath = \"/a\"\n\n[[routes]]\npath = \"b\"\n";
    let err = parse(Path::new("c.toml"), text).unwrap_err();
    assert!(err.message.starts_with("config c.toml, line 8: routes[1].path \"b\""), "{}", err.message);
    assert_eq!(err.hint.as_deref(), Some("write it as path = \"/b\""));

    let text = "[profiles.x]\n# note\nsecret = \"s\"\n\nprovider = \"gitbub\"\n";
    let err = parse(Path::new("c.toml"), text).unwrap_err();
    assert!(err.message.starts_with("config c.toml, line 5: profiles.x.provider"), "{}", err.message);

    let text = "[profiles.x]\nprovider = \"github\"\nsecret_env = \"A\"\nsecret_file = \"b\"\n";
    let err = parse(Path::new("c.toml"), text).unwrap_err();
    assert!(err.message.starts_with("config c.toml, line 4: profiles.x.secret_file: set only one"), "{}", err.message);

    let text = "[profiles.x]\nprovider = \"github\"\nsecret = \"s\"\n[profiles.x.scheme]\nheader = \"X\"\n";
    let err = parse(Path::new("c.toml"), text).unwrap_err();
    assert!(err.message.starts_with("config c.toml, line 4: profiles.x.scheme: "), "{}", err.message);
}

/// Regression: values of the wrong type inside profiles and routes gave serde's
/// words ("expected u64") without the key.
#[test]
fn bad_values_in_profiles_and_routes_name_the_key() {
    let cases = [
        (
            "[profiles.a]\nprovider = \"github\"\nsecret = 5\n",
            "line 3: profiles.a.secret expects a string, got integer `5`",
        ),
        (
            "# x\n[profiles.a]\nprovider = \"stripe\"\ntolerance = -5\n",
            "line 4: profiles.a.tolerance expects a whole number of 0 or more, got integer `-5`",
        ),
        (
            "[[routes]]\npath = \"/a\"\nack = \"later\"\n",
            "line 3: routes[0].ack must be `immediate` or `passthrough`, got `later`",
        ),
        ("[[routes]]\npath = \"/a\"\nevents = [\"x\", 2]\n", "line 3: routes[0].events[1] expects a string"),
        ("[[routes]]\nevents = []\n", "line 1: routes[0] has no `path`"),
        (
            "[profiles.a]\nprovider = \"custom\"\n[profiles.a.scheme]\nheader = \"X\"\nencoding = \"hexx\"\n",
            "line 5: profiles.a.scheme.encoding must be one of `hex`, `HEX`, `base64`, got `hexx`",
        ),
        ("profiles.a.provider = \"github\"\nprofiles.a.secret = true\n", "line 2: profiles.a.secret expects a string"),
    ];
    for (text, want) in cases {
        let err = parse(Path::new("c.toml"), text).unwrap_err();
        assert!(err.message.starts_with(&format!("config c.toml, {want}")), "{text:?}: {}", err.message);
    }
    let err = parse(Path::new("c.toml"), "[profiles.a]\nprovider = \"github\"\nsecrt_env = \"X\"\n").unwrap_err();
    assert!(err.message.ends_with("line 3: unknown key `profiles.a.secrt_env`"), "{}", err.message);
    assert!(err.hint.unwrap().starts_with("did you mean `secret_env`?"));
}

#[test]
fn did_you_mean_offers_only_close_names() {
    assert_eq!(settings::closest("listen.prot"), ["listen.port"]);
    assert_eq!(settings::closest("port"), ["listen.port"]);
    assert_eq!(settings::closest("lsten.port"), ["listen.port"]);
    assert_eq!(settings::closest("send.timout"), ["send.timeout"]);
    assert_eq!(settings::closest("fixture_dir"), ["fixtures_dir"]);
    for far in ["foo", "nope.key", "listen.host", "x"] {
        assert!(settings::closest(far).is_empty(), "{far}: {:?}", settings::closest(far));
    }
    let err = parse(Path::new("c.toml"), "foo = 1\n").unwrap_err();
    assert!(err.hint.unwrap().starts_with("`hooktap config list` shows every setting"));
}

#[test]
fn every_key_of_a_file_has_its_line() {
    let text = "retain_days = 1\n[listen]\nport = 1\n[profiles.x]\nprovider = \"github\"\n[[routes]]\npath = \"/a\"\n\n[[routes]]\n\npath = \"/b\"\n";
    let layer = layer("c.toml", text);
    for (key, line) in [
        ("listen.port", 3),
        ("profiles.x", 4),
        ("profiles.x.provider", 5),
        ("routes[0].path", 7),
        ("routes[1]", 9),
        ("routes[1].path", 11),
    ] {
        assert_eq!(layer.lines.line(key), Some(line), "{key}");
    }
}

#[test]
fn custom_profiles_build_a_working_scheme() {
    let cfg = Config::from_layers(
        vec![layer(
            "c.toml",
            "[profiles.mine]\nprovider = \"custom\"\nsecret = \"k\"\n[profiles.mine.scheme]\nheader = \"X-Sig\"\n\
             prefix = \"sha512=\"\ntemplate = \"{timestamp}:{body}\"\nencoding = \"base64\"\nalgorithm = \"sha512\"\n\
             timestamp_header = \"X-Ts\"\n",
        )],
        &[],
    )
    .unwrap();
    let signer = cfg
        .signer(&crate::config::SignerRequest { profile: Some("mine".into()), ..Default::default() })
        .unwrap()
        .unwrap();
    let secret = signer.secret.clone().unwrap();
    let headers = signer
        .provider
        .sign(&crate::provider::SignInput { body: b"hi", secret: &secret, timestamp: 100, id: "", event: None })
        .unwrap();
    assert!(headers["x-sig"].to_str().unwrap().starts_with("sha512="));
    assert_eq!(headers["x-ts"], "100");
    let input =
        crate::provider::VerifyInput { headers: &headers, body: b"hi", secret: &secret, now: 100, tolerance: None };
    assert!(signer.provider.verify(&input).is_ok());

    let err = parse(
        Path::new("c.toml"),
        "[profiles.m]\nprovider = \"custom\"\n[profiles.m.scheme]\nheader = \"X\"\ntemplate = \"{timestamp}.{body}\"\n",
    )
    .unwrap_err();
    assert!(err.message.contains("timestamp_header"), "{}", err.message);
}

#[test]
fn signer_resolution_prefers_flags_and_explains_missing_env() {
    let cfg = Config::from_layers(
        vec![layer(
            "c.toml",
            "profile = \"d\"\n[profiles.d]\nprovider = \"github\"\nsecret_env = \"HOOKTAP_TEST_UNSET_VAR_1\"\n",
        )],
        &[],
    )
    .unwrap();
    // The default profile applies; its env var is unset.
    let err = cfg.signer(&crate::config::SignerRequest::default()).unwrap_err();
    assert!(format!("{err:#}").contains("HOOKTAP_TEST_UNSET_VAR_1 is not set"), "{err:#}");
    assert_eq!(crate::error::classify(&err).code, 2);
    // A flag secret wins over the profile's source.
    let args = crate::config::SignerRequest { secret: Some("flag".into()), ..Default::default() };
    let signer = cfg.signer(&args).unwrap().unwrap();
    assert_eq!(signer.secret.unwrap().expose(), "flag");
    assert_eq!(signer.profile.as_deref(), Some("d"));
    // A bare --provider skips the default profile.
    let args = crate::config::SignerRequest { provider: Some("github".into()), ..Default::default() };
    let signer = cfg.signer(&args).unwrap().unwrap();
    assert!(signer.profile.is_none() && signer.secret.is_none());
    // Conflicting provider and profile.
    let args = crate::config::SignerRequest {
        profile: Some("d".into()),
        provider: Some("stripe".into()),
        ..Default::default()
    };
    assert!(cfg.signer(&args).is_err());
}

#[test]
fn secrets_from_files_drop_one_trailing_newline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    std::fs::write(&path, "abc\n").unwrap();
    assert_eq!(profile::secret_from_file(&path, "t").unwrap().expose(), "abc");
}

#[test]
fn a_missing_secret_file_says_how_to_fix_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let err = profile::secret_from_file(&dir.path().join("gone"), "profile desk").unwrap_err();
    let c = crate::error::classify(&err);
    assert_eq!(c.code, crate::error::USAGE_CODE);
    assert!(c.message.unwrap_or_default().starts_with("profile desk: cannot read secret file "));
    assert!(c.hint.unwrap_or_default().contains("hooktap config set profiles.desk.secret_file PATH"));
}

#[test]
fn editing_keeps_comments_and_writes_0600() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, "# keep me\n[listen]\nport = 1\n").unwrap();
    let mut doc = edit::Editable::load(&path).unwrap();
    doc.set("listen.bind", "0.0.0.0".into()).unwrap();
    assert!(doc.unset("listen.port"));
    doc.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# keep me") && text.contains("bind = \"0.0.0.0\"") && !text.contains("port"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn every_example_in_the_template_parses_when_uncommented() {
    // The init template must be valid as written and with its examples switched on.
    parse(Path::new("t.toml"), edit::TEMPLATE).unwrap();
    let uncommented: String = edit::TEMPLATE
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.contains(" = ") || rest.starts_with('[') => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let layer = parse(Path::new("t.toml"), &uncommented).unwrap_or_else(|e| panic!("{}", e.message));
    assert_eq!(layer.file.routes.map(|r| r.len()), Some(1));
}

#[test]
fn comments_below_a_table_stay_with_it_when_neighbours_come_and_go() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    let text = "[profiles.a]\nprovider = \"github\"\n# a's note\n\n# b's own comment\n[profiles.b]\nprovider = \"stripe\"\n# b's note\n";
    std::fs::write(&path, text).unwrap();
    let mut doc = edit::Editable::load(&path).unwrap();
    doc.put_profile("c", &[("provider", "slack".into())]);
    doc.set("listen.port", 1.into()).unwrap();
    let out = doc.to_string();
    let b_note = out.find("# b's note").unwrap();
    assert!(out.find("[profiles.b]").unwrap() < b_note && b_note < out.find("[profiles.c]").unwrap(), "{out}");
    assert!(out.find("[profiles.c]").unwrap() < out.find("[listen]").unwrap(), "{out}");
    // Removing b drops the comment right on top of it, and keeps a's note (separated by a blank line) and b's note.
    assert!(doc.unset("profiles.b"));
    let out = doc.to_string();
    assert!(!out.contains("b's own comment"), "{out}");
    let a_note = out.find("# a's note").unwrap();
    assert!(out.find("[profiles.a]").unwrap() < a_note && a_note < out.find("[profiles.c]").unwrap(), "{out}");
    assert!(out.contains("# b's note"), "{out}");
}

#[test]
fn every_profile_field_set_writes_is_a_profile_key_get_can_read() {
    for (field, numeric) in Profile::FIELDS {
        let value = if *numeric { "1".to_string() } else { "\"x\"".to_string() };
        let text = match *field {
            "provider" => "[profiles.p]\nprovider = \"github\"\n".to_string(),
            _ => format!("[profiles.p]\nprovider = \"github\"\n{field} = {value}\n"),
        };
        let cfg = Config::from_layers(vec![layer("f.toml", &text)], &[]).unwrap();
        let profile = &cfg.profiles["p"];
        assert!(profile.shown_field(field).is_some(), "{field}");
        assert_eq!(cfg.profile_files["p"], Path::new("f.toml"));
    }
    let secret = layer("s.toml", "[profiles.p]\nprovider = \"github\"\nsecret = \"hush\"\n");
    let cfg = Config::from_layers(vec![secret], &[]).unwrap();
    assert_eq!(cfg.profiles["p"].shown_field("secret").as_deref(), Some("(redacted)"));
}

#[test]
fn replacing_a_custom_profile_drops_its_scheme_table_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    let text = "[profiles.m]\n# mine\nprovider = \"custom\"\nsecret = \"k\"\n\n[profiles.m.scheme]\nheader = \"X\"\n\n\
                # next\n[listen]\nport = 1\n";
    std::fs::write(&path, text).unwrap();
    let mut doc = edit::Editable::load(&path).unwrap();
    doc.put_profile("m", &[("provider", "github".into()), ("secret_env", "GH".into())]);
    assert_eq!(
        doc.to_string(),
        "[profiles.m]\n# mine\nprovider = \"github\"\nsecret_env = \"GH\"\n\n# next\n[listen]\nport = 1\n"
    );
    doc.save(&path).unwrap();
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::os::unix::fs::symlink("c.toml", &path).unwrap();
    let err = edit::write_private(&path, b"").unwrap_err();
    assert!(format!("{err:#}").contains("symlinks in a row"), "{err:#}");
    assert!(std::fs::symlink_metadata(&path).unwrap().file_type().is_symlink());
}

#[test]
fn retry_delays_out_of_order_are_a_problem_naming_where_each_came_from() {
    let user = layer("u.toml", "[listen]\nretry_base = \"2m\"\n");
    let env = vec![("HOOKTAP_LISTEN_RETRY_MAX".to_string(), "1m".to_string())];
    let cfg = Config::from_layers(vec![user], &env).unwrap();
    let problems = cfg.setting_problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0].message,
        "listen.retry_base = \"2m\" in u.toml is longer than listen.retry_max = \"1m\" from HOOKTAP_LISTEN_RETRY_MAX"
    );
    assert_eq!(cfg.setting_problems_of("listen.retry_max"), problems);
    assert!(cfg.setting_problems_of("listen.port").is_empty());
    assert!(Config::from_layers(vec![], &[]).unwrap().setting_problems().is_empty(), "the defaults are fine");
}

#[test]
fn bind_addresses_are_ip_addresses_or_host_names_and_timeouts_are_not_zero() {
    let bind = Setting::find("listen.bind").unwrap();
    for ok in ["127.0.0.1", "::1", "[::1]", "0.0.0.0", "localhost", "my-host.example.com"] {
        assert!(bind.parse(ok).is_ok(), "{ok}");
    }
    for bad in ["999.1.1.1", "1.2.3", "::g", "not an ip", "-x", "a..b", ""] {
        assert!(bind.parse(bad).is_err(), "{bad:?}");
    }
    for key in ["send.timeout", "listen.forward_timeout", "listen.header_timeout", "listen.body_timeout"] {
        let err = Setting::find(key).unwrap().parse("0s").unwrap_err();
        assert!(err.message.starts_with(&format!("{key} must be longer than 0")), "{}", err.message);
    }
    // A zero retry delay retries at once, and port 0 picks a free port.
    assert!(Setting::find("listen.retry_base").unwrap().parse("0").is_ok());
    assert!(Setting::find("listen.port").unwrap().parse("0").is_ok());
}
