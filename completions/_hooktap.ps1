
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hooktap' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hooktap'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hooktap' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Manage profiles, routes and defaults (TOML)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Fire realistic, correctly signed test events at an endpoint')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a webhook signature offline and explain why it fails')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Run the local relay: receive, verify, record, forward with retries')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Re-deliver recorded deliveries: as recorded, re-signed, or edited')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Show the delivery log live: the viewer on a terminal, records on a pipe')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the public end of the tunnel, and manage its channel tokens')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Test a webhook receiver the way its provider will treat it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooktap;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented config file to start from')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Show where the config files and the database are')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show every setting with its value and where it came from')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one setting''s value')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a value in the config file')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a value from the config file')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every layer, profile and route; exit 2 on problems')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'Manage profiles (provider + secret)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooktap;config;init' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Write ./hooktap.toml instead of the user config')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;config;path' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;config;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;config;get' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;config;set' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Write ./hooktap.toml instead of the user config')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;config;unset' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Edit ./hooktap.toml instead of the user config')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;config;validate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;config;profile' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add (or with --force replace) a profile')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile (secret redacted)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooktap;config;profile;add' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable (recommended)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Store the secret in the config file (kept 0600)')
            [CompletionResult]::new('--auth-env', '--auth-env', [CompletionResultType]::ParameterName, 'Environment variable holding the expected Authorization header value')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'Timestamp tolerance in seconds')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing profile of that name')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Write ./hooktap.toml instead of the user config')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;config;profile;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;config;profile;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;config;profile;remove' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Edit ./hooktap.toml instead of the user config')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;config;profile;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add (or with --force replace) a profile')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile (secret redacted)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooktap;config;profile;help;add' {
            break
        }
        'hooktap;config;profile;help;list' {
            break
        }
        'hooktap;config;profile;help;show' {
            break
        }
        'hooktap;config;profile;help;remove' {
            break
        }
        'hooktap;config;profile;help;help' {
            break
        }
        'hooktap;config;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented config file to start from')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Show where the config files and the database are')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show every setting with its value and where it came from')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one setting''s value')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a value in the config file')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a value from the config file')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every layer, profile and route; exit 2 on problems')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'Manage profiles (provider + secret)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooktap;config;help;init' {
            break
        }
        'hooktap;config;help;path' {
            break
        }
        'hooktap;config;help;list' {
            break
        }
        'hooktap;config;help;get' {
            break
        }
        'hooktap;config;help;set' {
            break
        }
        'hooktap;config;help;unset' {
            break
        }
        'hooktap;config;help;validate' {
            break
        }
        'hooktap;config;help;profile' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add (or with --force replace) a profile')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile (secret redacted)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile')
            break
        }
        'hooktap;config;help;profile;add' {
            break
        }
        'hooktap;config;help;profile;list' {
            break
        }
        'hooktap;config;help;profile;show' {
            break
        }
        'hooktap;config;help;profile;remove' {
            break
        }
        'hooktap;config;help;help' {
            break
        }
        'hooktap;send' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file (trailing newline ignored)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to POST the event')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Send your own body: `@file`, `-` for stdin, or the text itself (as curl takes it)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Edit the JSON payload: `a.b=value` (numbers, true/false, null, ''"str"''; repeatable)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, `Name: value` (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, `Name: value` (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Request timeout (default: the provider''s documented timeout)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'How many requests to send (default 1; no limit with --duration)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many requests in flight at once')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Cap the rate (requests per second, e.g. 200, 200/s or 600/m)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Keep sending for this long (instead of stopping at --count)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List the event catalog instead of sending')
            [CompletionResult]::new('--ping', '--ping', [CompletionResultType]::ParameterName, 'Send the provider''s test ping (e.g. NexaDesk''s setup check)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any TLS certificate, e.g. a self-signed one (`listen --tls self-signed`)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any TLS certificate, e.g. a self-signed one (`listen --tls self-signed`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the exact request as a curl command (with --json, one JSON object) instead of sending it')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show secrets in --dry-run output')
            [CompletionResult]::new('--no-record', '--no-record', [CompletionResultType]::ParameterName, 'Do not record sent deliveries in the database')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;verify' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file (trailing newline ignored)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'File holding the raw body (default: stdin); `@FILE`, as `send --data` takes it, works too')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'File holding the raw body (default: stdin); `@FILE`, as `send --data` takes it, works too')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A request header, `Name: value` (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A request header, `Name: value` (repeatable)')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'Allowed clock skew in seconds (default: the provider''s)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Check as if the time were this unix timestamp')
            [CompletionResult]::new('--delivery', '--delivery', [CompletionResultType]::ParameterName, 'Re-check a recorded delivery by id')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;listen' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Forward verified deliveries to this URL (more routes via config)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file (trailing newline ignored)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Only forward these event types (comma-separated)')
            [CompletionResult]::new('--ack', '--ack', [CompletionResultType]::ParameterName, 'When to answer the provider')
            [CompletionResult]::new('--forward-timeout', '--forward-timeout', [CompletionResultType]::ParameterName, 'Timeout for each forward attempt')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body accepted (e.g. 5MiB); larger gets 413')
            [CompletionResult]::new('--resign', '--resign', [CompletionResultType]::ParameterName, 'Re-sign forwarded deliveries with this profile''s secret')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'TLS certificate (PEM)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'TLS private key (PEM)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Serve a self-signed certificate for localhost (made once, kept beside the database) and print its fingerprint')
            [CompletionResult]::new('--tunnel', '--tunnel', [CompletionResultType]::ParameterName, 'Also receive through a `hooktap serve` tunnel server (wss://host) [default: the tunnel.url setting]')
            [CompletionResult]::new('--channel', '--channel', [CompletionResultType]::ParameterName, 'The tunnel channel to receive [default: the tunnel.channel setting]')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Read the tunnel token from this environment variable [default: the tunnel.token setting, or HOOKTAP_TUNNEL_TOKEN]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--forward-invalid', '--forward-invalid', [CompletionResultType]::ParameterName, 'Forward deliveries whose signature is invalid or missing too')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any TLS certificate from forward targets (a local app''s self-signed one) and the tunnel server')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any TLS certificate from forward targets (a local app''s self-signed one) and the tunnel server')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;replay' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to send: a URL with a path is the exact destination; one without gets the original path [default: where each delivery went before]')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Edit the JSON or form body, then re-sign: `a.b=value` (as `send --set`; repeatable)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add or replace a request header, `Name: value` (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add or replace a request header, `Name: value` (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Each replay''s timeout [default: the provider''s documented timeout, else 10s]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many replays in flight at once')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Cap the rate (replays per second, e.g. 50, 50/s or 600/m)')
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Only the newest N deliveries (of those the other options select)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only deliveries received since then: a length of time back (10m, 2h, 1d) or a time (2026-11-01T10:00)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only deliveries received before then (same forms as --since)')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only this event type (lenient: `Coworker Update` = `coworker-update`)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only this state (recorded, pending, forwarded, failed, dead, rejected) or last response status (500, 5xx)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only this provider')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'Only deliveries that arrived on this route (its path prefix, e.g. /webhooks/nexadesk)')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Only deliveries from here: listen, tunnel, send or replay')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Re-sign every delivery with this profile [default: the profile each delivery was verified or sent with]')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file (trailing newline ignored)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--resign', '--resign', [CompletionResultType]::ParameterName, 'A fresh timestamp (and delivery id, where the provider has one) and signature')
            [CompletionResult]::new('--no-resign', '--no-resign', [CompletionResultType]::ParameterName, 'Keep the recorded signature even with --set or --edit (to test that the receiver rejects it)')
            [CompletionResult]::new('--edit', '--edit', [CompletionResultType]::ParameterName, 'Open $VISUAL or $EDITOR on the body of one delivery, then re-sign')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any TLS certificate, e.g. a self-signed one')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any TLS certificate, e.g. a self-signed one')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print each request as a curl command (with --json, as JSON) instead of sending it; records nothing')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show credentials in --dry-run output')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Replay more than 100 deliveries without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Replay more than 100 deliveries without asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;tail' {
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Only the newest N deliveries (of those the other options select)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only deliveries received since then: a length of time back (10m, 2h, 1d) or a time (2026-11-01T10:00)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only deliveries received before then (same forms as --since)')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only this event type (lenient: `Coworker Update` = `coworker-update`)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only this state (recorded, pending, forwarded, failed, dead, rejected) or last response status (500, 5xx)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only this provider')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'Only deliveries that arrived on this route (its path prefix, e.g. /webhooks/nexadesk)')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Only deliveries from here: listen, tunnel, send or replay')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Print records in this form instead of opening the viewer [default: line, or json with --json]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--no-follow', '--no-follow', [CompletionResultType]::ParameterName, 'Print what matches and exit instead of following')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;serve' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (0 picks a free one)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind (0.0.0.0 for every interface)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'TLS certificate (PEM); without one, serve plain HTTP behind a proxy that does TLS')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'TLS private key (PEM)')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body a channel accepts (413 beyond)')
            [CompletionResult]::new('--max-backlog', '--max-backlog', [CompletionResultType]::ParameterName, 'Most deliveries a channel holds for its client (503 beyond, so providers retry)')
            [CompletionResult]::new('--max-backlog-size', '--max-backlog-size', [CompletionResultType]::ParameterName, 'Most bytes a channel holds for its client (503 beyond)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Deliveries a channel accepts per second (429 beyond); 0 for no limit')
            [CompletionResult]::new('--ack', '--ack', [CompletionResultType]::ParameterName, 'How providers are answered, for channels that do not set it [default: what the channel''s client asks for]')
            [CompletionResult]::new('--passthrough-timeout', '--passthrough-timeout', [CompletionResultType]::ParameterName, 'How long a passthrough provider waits for the client''s answer (504 after)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Make, list and revoke channel tokens (the running server picks changes up within a second)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooktap;serve;token' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Make a channel (or give a revoked one a new token) and print its token, once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List channels: token state, when made and last used, deliveries held (never the token)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a channel''s token; its client is disconnected and its held deliveries wait for a new token')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooktap;serve;token;add' {
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'This channel''s body limit, instead of serve''s --max-body')
            [CompletionResult]::new('--max-backlog', '--max-backlog', [CompletionResultType]::ParameterName, 'This channel''s backlog limit, instead of serve''s --max-backlog')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'This channel''s rate limit per second, instead of serve''s --rate (0 for none)')
            [CompletionResult]::new('--ack', '--ack', [CompletionResultType]::ParameterName, 'How this channel''s providers are answered, whatever its client asks')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--rotate', '--rotate', [CompletionResultType]::ParameterName, 'Replace the channel''s live token (its client is disconnected)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;serve;token;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;serve;token;revoke' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;serve;token;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Make a channel (or give a revoked one a new token) and print its token, once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List channels: token state, when made and last used, deliveries held (never the token)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a channel''s token; its client is disconnected and its held deliveries wait for a new token')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooktap;serve;token;help;add' {
            break
        }
        'hooktap;serve;token;help;list' {
            break
        }
        'hooktap;serve;token;help;revoke' {
            break
        }
        'hooktap;serve;token;help;help' {
            break
        }
        'hooktap;serve;help' {
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Make, list and revoke channel tokens (the running server picks changes up within a second)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooktap;serve;help;token' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Make a channel (or give a revoked one a new token) and print its token, once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List channels: token state, when made and last used, deliveries held (never the token)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a channel''s token; its client is disconnected and its held deliveries wait for a new token')
            break
        }
        'hooktap;serve;help;token;add' {
            break
        }
        'hooktap;serve;help;token;list' {
            break
        }
        'hooktap;serve;help;token;revoke' {
            break
        }
        'hooktap;serve;help;help' {
            break
        }
        'hooktap;check' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file (trailing newline ignored)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Catalog event to build deliveries from [default: a representative one]')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Build deliveries from this body instead of a catalog event: @file, - for stdin, or the text')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Run only these checks (comma-separated names)')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Leave out these checks (comma-separated names)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output: a table, one JSON document (as --json), or JUnit XML for CI')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header on every delivery, `Name: value` (repeatable; e.g. authorization)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header on every delivery, `Name: value` (repeatable; e.g. authorization)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long each delivery may take [default: the provider''s documented timeout]')
            [CompletionResult]::new('--time-scale', '--time-scale', [CompletionResultType]::ParameterName, 'How much faster than real time the retry schedule runs: auto (the whole schedule in about 5 s), 1000x, or a factor such as 0.001')
            [CompletionResult]::new('--inject-failures', '--inject-failures', [CompletionResultType]::ParameterName, 'How many attempts count as failed on the provider''s side (its ack lost) before the endpoint''s answers count')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'How many deliveries the burst check sends')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many of them at once')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any certificate for the deliveries (the tls check still judges it as providers do)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any certificate for the deliveries (the tls check still judges it as providers do)')
            [CompletionResult]::new('--simulate-retries', '--simulate-retries', [CompletionResultType]::ParameterName, 'Also redeliver one event on the provider''s retry schedule (the `retries` check)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'With `man`: write a page for every command (hooktap-send.1, ...) into this directory')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of the user and project files')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'SQLite database to record to and read from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON where a command prints results')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooktap;help' {
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Manage profiles, routes and defaults (TOML)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Fire realistic, correctly signed test events at an endpoint')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a webhook signature offline and explain why it fails')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Run the local relay: receive, verify, record, forward with retries')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Re-deliver recorded deliveries: as recorded, re-signed, or edited')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Show the delivery log live: the viewer on a terminal, records on a pipe')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the public end of the tunnel, and manage its channel tokens')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Test a webhook receiver the way its provider will treat it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooktap;help;config' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented config file to start from')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Show where the config files and the database are')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show every setting with its value and where it came from')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one setting''s value')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a value in the config file')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a value from the config file')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every layer, profile and route; exit 2 on problems')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'Manage profiles (provider + secret)')
            break
        }
        'hooktap;help;config;init' {
            break
        }
        'hooktap;help;config;path' {
            break
        }
        'hooktap;help;config;list' {
            break
        }
        'hooktap;help;config;get' {
            break
        }
        'hooktap;help;config;set' {
            break
        }
        'hooktap;help;config;unset' {
            break
        }
        'hooktap;help;config;validate' {
            break
        }
        'hooktap;help;config;profile' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add (or with --force replace) a profile')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile (secret redacted)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile')
            break
        }
        'hooktap;help;config;profile;add' {
            break
        }
        'hooktap;help;config;profile;list' {
            break
        }
        'hooktap;help;config;profile;show' {
            break
        }
        'hooktap;help;config;profile;remove' {
            break
        }
        'hooktap;help;send' {
            break
        }
        'hooktap;help;verify' {
            break
        }
        'hooktap;help;listen' {
            break
        }
        'hooktap;help;replay' {
            break
        }
        'hooktap;help;tail' {
            break
        }
        'hooktap;help;serve' {
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Make, list and revoke channel tokens (the running server picks changes up within a second)')
            break
        }
        'hooktap;help;serve;token' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Make a channel (or give a revoked one a new token) and print its token, once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List channels: token state, when made and last used, deliveries held (never the token)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a channel''s token; its client is disconnected and its held deliveries wait for a new token')
            break
        }
        'hooktap;help;serve;token;add' {
            break
        }
        'hooktap;help;serve;token;list' {
            break
        }
        'hooktap;help;serve;token;revoke' {
            break
        }
        'hooktap;help;check' {
            break
        }
        'hooktap;help;completions' {
            break
        }
        'hooktap;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
