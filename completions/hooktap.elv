
use builtin;
use str;

set edit:completion:arg-completer[hooktap] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hooktap'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hooktap'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand config 'Manage profiles, routes and defaults (TOML)'
            cand send 'Fire realistic, correctly signed test events at an endpoint'
            cand verify 'Check a webhook signature offline and explain why it fails'
            cand listen 'Run the local relay: receive, verify, record, forward with retries'
            cand replay 'Re-deliver recorded deliveries: as recorded, re-signed, or edited'
            cand tail 'Show the delivery log live: the viewer on a terminal, records on a pipe'
            cand serve 'Run the public end of the tunnel, and manage its channel tokens'
            cand check 'Test a webhook receiver the way its provider will treat it'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooktap;config'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Write a commented config file to start from'
            cand path 'Show where the config files and the database are'
            cand list 'Show every setting with its value and where it came from'
            cand get 'Print one setting''s value'
            cand set 'Set a value in the config file'
            cand unset 'Remove a value from the config file'
            cand validate 'Check every layer, profile and route; exit 2 on problems'
            cand profile 'Manage profiles (provider + secret)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooktap;config;init'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --project 'Write ./hooktap.toml instead of the user config'
            cand --force 'Overwrite an existing file'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;config;path'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;config;list'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;config;get'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;config;set'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --project 'Write ./hooktap.toml instead of the user config'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;config;unset'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --project 'Edit ./hooktap.toml instead of the user config'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;config;validate'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;config;profile'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add (or with --force replace) a profile'
            cand list 'List profiles'
            cand show 'Show one profile (secret redacted)'
            cand remove 'Remove a profile'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooktap;config;profile;add'= {
            cand --provider 'Provider (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)'
            cand --secret-env 'Read the secret from this environment variable (recommended)'
            cand --secret-file 'Read the secret from this file'
            cand --secret 'Store the secret in the config file (kept 0600)'
            cand --auth-env 'Environment variable holding the expected Authorization header value'
            cand --tolerance 'Timestamp tolerance in seconds'
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --force 'Replace an existing profile of that name'
            cand --project 'Write ./hooktap.toml instead of the user config'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;config;profile;list'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;config;profile;show'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;config;profile;remove'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --project 'Edit ./hooktap.toml instead of the user config'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;config;profile;help'= {
            cand add 'Add (or with --force replace) a profile'
            cand list 'List profiles'
            cand show 'Show one profile (secret redacted)'
            cand remove 'Remove a profile'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooktap;config;profile;help;add'= {
        }
        &'hooktap;config;profile;help;list'= {
        }
        &'hooktap;config;profile;help;show'= {
        }
        &'hooktap;config;profile;help;remove'= {
        }
        &'hooktap;config;profile;help;help'= {
        }
        &'hooktap;config;help'= {
            cand init 'Write a commented config file to start from'
            cand path 'Show where the config files and the database are'
            cand list 'Show every setting with its value and where it came from'
            cand get 'Print one setting''s value'
            cand set 'Set a value in the config file'
            cand unset 'Remove a value from the config file'
            cand validate 'Check every layer, profile and route; exit 2 on problems'
            cand profile 'Manage profiles (provider + secret)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooktap;config;help;init'= {
        }
        &'hooktap;config;help;path'= {
        }
        &'hooktap;config;help;list'= {
        }
        &'hooktap;config;help;get'= {
        }
        &'hooktap;config;help;set'= {
        }
        &'hooktap;config;help;unset'= {
        }
        &'hooktap;config;help;validate'= {
        }
        &'hooktap;config;help;profile'= {
            cand add 'Add (or with --force replace) a profile'
            cand list 'List profiles'
            cand show 'Show one profile (secret redacted)'
            cand remove 'Remove a profile'
        }
        &'hooktap;config;help;profile;add'= {
        }
        &'hooktap;config;help;profile;list'= {
        }
        &'hooktap;config;help;profile;show'= {
        }
        &'hooktap;config;help;profile;remove'= {
        }
        &'hooktap;config;help;help'= {
        }
        &'hooktap;send'= {
            cand --profile 'Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]'
            cand --provider 'Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)'
            cand --secret-env 'Read the secret from this environment variable'
            cand --secret-file 'Read the secret from this file (trailing newline ignored)'
            cand --secret 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]'
            cand --to 'Where to POST the event'
            cand --data 'Send your own body: `@file`, `-` for stdin, or the text itself (as curl takes it)'
            cand --set 'Edit the JSON payload: `a.b=value` (numbers, true/false, null, ''"str"''; repeatable)'
            cand -H 'Extra request header, `Name: value` (repeatable)'
            cand --header 'Extra request header, `Name: value` (repeatable)'
            cand --timeout 'Request timeout (default: the provider''s documented timeout)'
            cand --count 'How many requests to send (default 1; no limit with --duration)'
            cand --concurrency 'How many requests in flight at once'
            cand --rate 'Cap the rate (requests per second, e.g. 200, 200/s or 600/m)'
            cand --duration 'Keep sending for this long (instead of stopping at --count)'
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --list 'List the event catalog instead of sending'
            cand --ping 'Send the provider''s test ping (e.g. NexaDesk''s setup check)'
            cand -k 'Accept any TLS certificate, e.g. a self-signed one (`listen --tls self-signed`)'
            cand --insecure 'Accept any TLS certificate, e.g. a self-signed one (`listen --tls self-signed`)'
            cand --dry-run 'Print the exact request as a curl command (with --json, one JSON object) instead of sending it'
            cand --show-secrets 'Show secrets in --dry-run output'
            cand --no-record 'Do not record sent deliveries in the database'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;verify'= {
            cand --profile 'Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]'
            cand --provider 'Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)'
            cand --secret-env 'Read the secret from this environment variable'
            cand --secret-file 'Read the secret from this file (trailing newline ignored)'
            cand --secret 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]'
            cand --body 'File holding the raw body (default: stdin); `@FILE`, as `send --data` takes it, works too'
            cand --data 'File holding the raw body (default: stdin); `@FILE`, as `send --data` takes it, works too'
            cand -H 'A request header, `Name: value` (repeatable)'
            cand --header 'A request header, `Name: value` (repeatable)'
            cand --tolerance 'Allowed clock skew in seconds (default: the provider''s)'
            cand --now 'Check as if the time were this unix timestamp'
            cand --delivery 'Re-check a recorded delivery by id'
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;listen'= {
            cand --port 'Port to listen on'
            cand --bind 'Address to bind'
            cand --forward-to 'Forward verified deliveries to this URL (more routes via config)'
            cand --profile 'Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]'
            cand --provider 'Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)'
            cand --secret-env 'Read the secret from this environment variable'
            cand --secret-file 'Read the secret from this file (trailing newline ignored)'
            cand --secret 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]'
            cand --events 'Only forward these event types (comma-separated)'
            cand --ack 'When to answer the provider'
            cand --forward-timeout 'Timeout for each forward attempt'
            cand --max-body 'Largest body accepted (e.g. 5MiB); larger gets 413'
            cand --resign 'Re-sign forwarded deliveries with this profile''s secret'
            cand --tls-cert 'TLS certificate (PEM)'
            cand --tls-key 'TLS private key (PEM)'
            cand --tls 'Serve a self-signed certificate for localhost (made once, kept beside the database) and print its fingerprint'
            cand --tunnel 'Also receive through a `hooktap serve` tunnel server (wss://host) [default: the tunnel.url setting]'
            cand --channel 'The tunnel channel to receive [default: the tunnel.channel setting]'
            cand --token-env 'Read the tunnel token from this environment variable [default: the tunnel.token setting, or HOOKTAP_TUNNEL_TOKEN]'
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --forward-invalid 'Forward deliveries whose signature is invalid or missing too'
            cand -k 'Accept any TLS certificate from forward targets (a local app''s self-signed one) and the tunnel server'
            cand --insecure 'Accept any TLS certificate from forward targets (a local app''s self-signed one) and the tunnel server'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;replay'= {
            cand --to 'Where to send: a URL with a path is the exact destination; one without gets the original path [default: where each delivery went before]'
            cand --set 'Edit the JSON or form body, then re-sign: `a.b=value` (as `send --set`; repeatable)'
            cand -H 'Add or replace a request header, `Name: value` (repeatable)'
            cand --header 'Add or replace a request header, `Name: value` (repeatable)'
            cand --timeout 'Each replay''s timeout [default: the provider''s documented timeout, else 10s]'
            cand --concurrency 'How many replays in flight at once'
            cand --rate 'Cap the rate (replays per second, e.g. 50, 50/s or 600/m)'
            cand --last 'Only the newest N deliveries (of those the other options select)'
            cand --since 'Only deliveries received since then: a length of time back (10m, 2h, 1d) or a time (2026-11-01T10:00)'
            cand --until 'Only deliveries received before then (same forms as --since)'
            cand --event 'Only this event type (lenient: `Coworker Update` = `coworker-update`)'
            cand --status 'Only this state (recorded, pending, forwarded, failed, dead, rejected) or last response status (500, 5xx)'
            cand --provider 'Only this provider'
            cand --route 'Only deliveries that arrived on this route (its path prefix, e.g. /webhooks/nexadesk)'
            cand --source 'Only deliveries from here: listen, tunnel, send or replay'
            cand --profile 'Re-sign every delivery with this profile [default: the profile each delivery was verified or sent with]'
            cand --secret-env 'Read the secret from this environment variable'
            cand --secret-file 'Read the secret from this file (trailing newline ignored)'
            cand --secret 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]'
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --resign 'A fresh timestamp (and delivery id, where the provider has one) and signature'
            cand --no-resign 'Keep the recorded signature even with --set or --edit (to test that the receiver rejects it)'
            cand --edit 'Open $VISUAL or $EDITOR on the body of one delivery, then re-sign'
            cand -k 'Accept any TLS certificate, e.g. a self-signed one'
            cand --insecure 'Accept any TLS certificate, e.g. a self-signed one'
            cand --dry-run 'Print each request as a curl command (with --json, as JSON) instead of sending it; records nothing'
            cand --show-secrets 'Show credentials in --dry-run output'
            cand -y 'Replay more than 100 deliveries without asking'
            cand --yes 'Replay more than 100 deliveries without asking'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;tail'= {
            cand --last 'Only the newest N deliveries (of those the other options select)'
            cand --since 'Only deliveries received since then: a length of time back (10m, 2h, 1d) or a time (2026-11-01T10:00)'
            cand --until 'Only deliveries received before then (same forms as --since)'
            cand --event 'Only this event type (lenient: `Coworker Update` = `coworker-update`)'
            cand --status 'Only this state (recorded, pending, forwarded, failed, dead, rejected) or last response status (500, 5xx)'
            cand --provider 'Only this provider'
            cand --route 'Only deliveries that arrived on this route (its path prefix, e.g. /webhooks/nexadesk)'
            cand --source 'Only deliveries from here: listen, tunnel, send or replay'
            cand --format 'Print records in this form instead of opening the viewer [default: line, or json with --json]'
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --no-follow 'Print what matches and exit instead of following'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;serve'= {
            cand --port 'Port to listen on (0 picks a free one)'
            cand --bind 'Address to bind (0.0.0.0 for every interface)'
            cand --tls-cert 'TLS certificate (PEM); without one, serve plain HTTP behind a proxy that does TLS'
            cand --tls-key 'TLS private key (PEM)'
            cand --max-body 'Largest body a channel accepts (413 beyond)'
            cand --max-backlog 'Most deliveries a channel holds for its client (503 beyond, so providers retry)'
            cand --max-backlog-size 'Most bytes a channel holds for its client (503 beyond)'
            cand --rate 'Deliveries a channel accepts per second (429 beyond); 0 for no limit'
            cand --ack 'How providers are answered, for channels that do not set it [default: what the channel''s client asks for]'
            cand --passthrough-timeout 'How long a passthrough provider waits for the client''s answer (504 after)'
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand token 'Make, list and revoke channel tokens (the running server picks changes up within a second)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooktap;serve;token'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Make a channel (or give a revoked one a new token) and print its token, once'
            cand list 'List channels: token state, when made and last used, deliveries held (never the token)'
            cand revoke 'Revoke a channel''s token; its client is disconnected and its held deliveries wait for a new token'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooktap;serve;token;add'= {
            cand --max-body 'This channel''s body limit, instead of serve''s --max-body'
            cand --max-backlog 'This channel''s backlog limit, instead of serve''s --max-backlog'
            cand --rate 'This channel''s rate limit per second, instead of serve''s --rate (0 for none)'
            cand --ack 'How this channel''s providers are answered, whatever its client asks'
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --rotate 'Replace the channel''s live token (its client is disconnected)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;serve;token;list'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;serve;token;revoke'= {
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;serve;token;help'= {
            cand add 'Make a channel (or give a revoked one a new token) and print its token, once'
            cand list 'List channels: token state, when made and last used, deliveries held (never the token)'
            cand revoke 'Revoke a channel''s token; its client is disconnected and its held deliveries wait for a new token'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooktap;serve;token;help;add'= {
        }
        &'hooktap;serve;token;help;list'= {
        }
        &'hooktap;serve;token;help;revoke'= {
        }
        &'hooktap;serve;token;help;help'= {
        }
        &'hooktap;serve;help'= {
            cand token 'Make, list and revoke channel tokens (the running server picks changes up within a second)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooktap;serve;help;token'= {
            cand add 'Make a channel (or give a revoked one a new token) and print its token, once'
            cand list 'List channels: token state, when made and last used, deliveries held (never the token)'
            cand revoke 'Revoke a channel''s token; its client is disconnected and its held deliveries wait for a new token'
        }
        &'hooktap;serve;help;token;add'= {
        }
        &'hooktap;serve;help;token;list'= {
        }
        &'hooktap;serve;help;token;revoke'= {
        }
        &'hooktap;serve;help;help'= {
        }
        &'hooktap;check'= {
            cand --profile 'Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]'
            cand --provider 'Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)'
            cand --secret-env 'Read the secret from this environment variable'
            cand --secret-file 'Read the secret from this file (trailing newline ignored)'
            cand --secret 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]'
            cand --event 'Catalog event to build deliveries from [default: a representative one]'
            cand --data 'Build deliveries from this body instead of a catalog event: @file, - for stdin, or the text'
            cand --only 'Run only these checks (comma-separated names)'
            cand --skip 'Leave out these checks (comma-separated names)'
            cand --format 'Output: a table, one JSON document (as --json), or JUnit XML for CI'
            cand -H 'Extra header on every delivery, `Name: value` (repeatable; e.g. authorization)'
            cand --header 'Extra header on every delivery, `Name: value` (repeatable; e.g. authorization)'
            cand --timeout 'How long each delivery may take [default: the provider''s documented timeout]'
            cand --time-scale 'How much faster than real time the retry schedule runs: auto (the whole schedule in about 5 s), 1000x, or a factor such as 0.001'
            cand --inject-failures 'How many attempts count as failed on the provider''s side (its ack lost) before the endpoint''s answers count'
            cand --burst 'How many deliveries the burst check sends'
            cand --concurrency 'How many of them at once'
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand -k 'Accept any certificate for the deliveries (the tls check still judges it as providers do)'
            cand --insecure 'Accept any certificate for the deliveries (the tls check still judges it as providers do)'
            cand --simulate-retries 'Also redeliver one event on the provider''s retry schedule (the `retries` check)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;completions'= {
            cand --dir 'With `man`: write a page for every command (hooktap-send.1, ...) into this directory'
            cand --config 'Use this config file instead of the user and project files'
            cand --db 'SQLite database to record to and read from'
            cand --color 'When to use colour (NO_COLOR is honoured with `auto`)'
            cand --json 'Print results as JSON where a command prints results'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More logging (-v info, -vv debug, -vvv trace)'
            cand --verbose 'More logging (-v info, -vv debug, -vvv trace)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooktap;help'= {
            cand config 'Manage profiles, routes and defaults (TOML)'
            cand send 'Fire realistic, correctly signed test events at an endpoint'
            cand verify 'Check a webhook signature offline and explain why it fails'
            cand listen 'Run the local relay: receive, verify, record, forward with retries'
            cand replay 'Re-deliver recorded deliveries: as recorded, re-signed, or edited'
            cand tail 'Show the delivery log live: the viewer on a terminal, records on a pipe'
            cand serve 'Run the public end of the tunnel, and manage its channel tokens'
            cand check 'Test a webhook receiver the way its provider will treat it'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooktap;help;config'= {
            cand init 'Write a commented config file to start from'
            cand path 'Show where the config files and the database are'
            cand list 'Show every setting with its value and where it came from'
            cand get 'Print one setting''s value'
            cand set 'Set a value in the config file'
            cand unset 'Remove a value from the config file'
            cand validate 'Check every layer, profile and route; exit 2 on problems'
            cand profile 'Manage profiles (provider + secret)'
        }
        &'hooktap;help;config;init'= {
        }
        &'hooktap;help;config;path'= {
        }
        &'hooktap;help;config;list'= {
        }
        &'hooktap;help;config;get'= {
        }
        &'hooktap;help;config;set'= {
        }
        &'hooktap;help;config;unset'= {
        }
        &'hooktap;help;config;validate'= {
        }
        &'hooktap;help;config;profile'= {
            cand add 'Add (or with --force replace) a profile'
            cand list 'List profiles'
            cand show 'Show one profile (secret redacted)'
            cand remove 'Remove a profile'
        }
        &'hooktap;help;config;profile;add'= {
        }
        &'hooktap;help;config;profile;list'= {
        }
        &'hooktap;help;config;profile;show'= {
        }
        &'hooktap;help;config;profile;remove'= {
        }
        &'hooktap;help;send'= {
        }
        &'hooktap;help;verify'= {
        }
        &'hooktap;help;listen'= {
        }
        &'hooktap;help;replay'= {
        }
        &'hooktap;help;tail'= {
        }
        &'hooktap;help;serve'= {
            cand token 'Make, list and revoke channel tokens (the running server picks changes up within a second)'
        }
        &'hooktap;help;serve;token'= {
            cand add 'Make a channel (or give a revoked one a new token) and print its token, once'
            cand list 'List channels: token state, when made and last used, deliveries held (never the token)'
            cand revoke 'Revoke a channel''s token; its client is disconnected and its held deliveries wait for a new token'
        }
        &'hooktap;help;serve;token;add'= {
        }
        &'hooktap;help;serve;token;list'= {
        }
        &'hooktap;help;serve;token;revoke'= {
        }
        &'hooktap;help;check'= {
        }
        &'hooktap;help;completions'= {
        }
        &'hooktap;help;help'= {
        }
    ]
    $completions[$command]
}
