# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hooktap_global_optspecs
    string join \n config= db= color= json q/quiet v/verbose h/help V/version
end

function __fish_hooktap_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hooktap_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hooktap_using_subcommand
    set -l cmd (__fish_hooktap_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hooktap -n "__fish_hooktap_needs_command" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_needs_command" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_needs_command" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_needs_command" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_needs_command" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_needs_command" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_needs_command" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_needs_command" -f -a "config" -d 'Manage profiles, routes and defaults (TOML)'
complete -c hooktap -n "__fish_hooktap_needs_command" -f -a "send" -d 'Fire realistic, correctly signed test events at an endpoint'
complete -c hooktap -n "__fish_hooktap_needs_command" -f -a "verify" -d 'Check a webhook signature offline and explain why it fails'
complete -c hooktap -n "__fish_hooktap_needs_command" -f -a "listen" -d 'Run the local relay: receive, verify, record, forward with retries'
complete -c hooktap -n "__fish_hooktap_needs_command" -f -a "replay" -d 'Re-deliver recorded deliveries: as recorded, re-signed, or edited'
complete -c hooktap -n "__fish_hooktap_needs_command" -f -a "tail" -d 'Show the delivery log live: the viewer on a terminal, records on a pipe'
complete -c hooktap -n "__fish_hooktap_needs_command" -f -a "serve" -d 'Run the public end of the tunnel, and manage its channel tokens'
complete -c hooktap -n "__fish_hooktap_needs_command" -f -a "check" -d 'Test a webhook receiver the way its provider will treat it'
complete -c hooktap -n "__fish_hooktap_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c hooktap -n "__fish_hooktap_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -f -a "init" -d 'Write a commented config file to start from'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -f -a "path" -d 'Show where the config files and the database are'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -f -a "list" -d 'Show every setting with its value and where it came from'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -f -a "get" -d 'Print one setting\'s value'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -f -a "set" -d 'Set a value in the config file'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -f -a "unset" -d 'Remove a value from the config file'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -f -a "validate" -d 'Check every layer, profile and route; exit 2 on problems'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -f -a "profile" -d 'Manage profiles (provider + secret)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and not __fish_seen_subcommand_from init path list get set unset validate profile help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from init" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from init" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from init" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from init" -l project -d 'Write ./hooktap.toml instead of the user config'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from init" -l force -d 'Overwrite an existing file'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from init" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from init" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from path" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from path" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from list" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from list" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from list" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from get" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from get" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from get" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from get" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from set" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from set" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from set" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from set" -l project -d 'Write ./hooktap.toml instead of the user config'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from set" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from unset" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from unset" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from unset" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from unset" -l project -d 'Edit ./hooktap.toml instead of the user config'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from unset" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from unset" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from unset" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from unset" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from validate" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from validate" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from validate" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from validate" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from validate" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -f -a "add" -d 'Add (or with --force replace) a profile'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -f -a "list" -d 'List profiles'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -f -a "show" -d 'Show one profile (secret redacted)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -f -a "remove" -d 'Remove a profile'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from profile" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write a commented config file to start from'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Show where the config files and the database are'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "list" -d 'Show every setting with its value and where it came from'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print one setting\'s value'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set a value in the config file'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "unset" -d 'Remove a value from the config file'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check every layer, profile and route; exit 2 on problems'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "profile" -d 'Manage profiles (provider + secret)'
complete -c hooktap -n "__fish_hooktap_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l profile -d 'Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l provider -d 'Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)' -r -f -a "nexus\t''
nexudus\t''
nexadesk\t''
nudj\t''
standard\t''
github\t''
stripe\t''
shopify\t''
slack\t''"
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l secret-env -d 'Read the secret from this environment variable' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l secret-file -d 'Read the secret from this file (trailing newline ignored)' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l secret -d 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l to -d 'Where to POST the event' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l data -d 'Send your own body: `@file`, `-` for stdin, or the text itself (as curl takes it)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l set -d 'Edit the JSON payload: `a.b=value` (numbers, true/false, null, \'"str"\'; repeatable)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -s H -l header -d 'Extra request header, `Name: value` (repeatable)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l timeout -d 'Request timeout (default: the provider\'s documented timeout)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l count -d 'How many requests to send (default 1; no limit with --duration)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l concurrency -d 'How many requests in flight at once' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l rate -d 'Cap the rate (requests per second, e.g. 200, 200/s or 600/m)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l duration -d 'Keep sending for this long (instead of stopping at --count)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l list -d 'List the event catalog instead of sending'
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l ping -d 'Send the provider\'s test ping (e.g. NexaDesk\'s setup check)'
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -s k -l insecure -d 'Accept any TLS certificate, e.g. a self-signed one (`listen --tls self-signed`)'
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l dry-run -d 'Print the exact request as a curl command (with --json, one JSON object) instead of sending it'
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l show-secrets -d 'Show secrets in --dry-run output'
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l no-record -d 'Do not record sent deliveries in the database'
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand send" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l profile -d 'Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l provider -d 'Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)' -r -f -a "nexus\t''
nexudus\t''
nexadesk\t''
nudj\t''
standard\t''
github\t''
stripe\t''
shopify\t''
slack\t''"
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l secret-env -d 'Read the secret from this environment variable' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l secret-file -d 'Read the secret from this file (trailing newline ignored)' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l secret -d 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l body -l data -d 'File holding the raw body (default: stdin); `@FILE`, as `send --data` takes it, works too' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -s H -l header -d 'A request header, `Name: value` (repeatable)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l tolerance -d 'Allowed clock skew in seconds (default: the provider\'s)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l now -d 'Check as if the time were this unix timestamp' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l delivery -d 'Re-check a recorded delivery by id' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand verify" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l port -d 'Port to listen on' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l bind -d 'Address to bind' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l forward-to -d 'Forward verified deliveries to this URL (more routes via config)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l profile -d 'Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l provider -d 'Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)' -r -f -a "nexus\t''
nexudus\t''
nexadesk\t''
nudj\t''
standard\t''
github\t''
stripe\t''
shopify\t''
slack\t''"
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l secret-env -d 'Read the secret from this environment variable' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l secret-file -d 'Read the secret from this file (trailing newline ignored)' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l secret -d 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l events -d 'Only forward these event types (comma-separated)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l ack -d 'When to answer the provider' -r -f -a "immediate\t'200 with an empty body as soon as the delivery is stored'
passthrough\t'Wait for the local app and return its answer'"
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l forward-timeout -d 'Timeout for each forward attempt' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l max-body -d 'Largest body accepted (e.g. 5MiB); larger gets 413' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l resign -d 'Re-sign forwarded deliveries with this profile\'s secret' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l tls-cert -d 'TLS certificate (PEM)' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l tls-key -d 'TLS private key (PEM)' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l tls -d 'Serve a self-signed certificate for localhost (made once, kept beside the database) and print its fingerprint' -r -f -a "self-signed\t'A certificate for localhost, made at the first start and kept as `<db>-selfsigned.pem`'"
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l tunnel -d 'Also receive through a `hooktap serve` tunnel server (wss://host) [default: the tunnel.url setting]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l channel -d 'The tunnel channel to receive [default: the tunnel.channel setting]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l token-env -d 'Read the tunnel token from this environment variable [default: the tunnel.token setting, or HOOKTAP_TUNNEL_TOKEN]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l forward-invalid -d 'Forward deliveries whose signature is invalid or missing too'
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -s k -l insecure -d 'Accept any TLS certificate from forward targets (a local app\'s self-signed one) and the tunnel server'
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand listen" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l to -d 'Where to send: a URL with a path is the exact destination; one without gets the original path [default: where each delivery went before]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l set -d 'Edit the JSON or form body, then re-sign: `a.b=value` (as `send --set`; repeatable)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -s H -l header -d 'Add or replace a request header, `Name: value` (repeatable)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l timeout -d 'Each replay\'s timeout [default: the provider\'s documented timeout, else 10s]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l concurrency -d 'How many replays in flight at once' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l rate -d 'Cap the rate (replays per second, e.g. 50, 50/s or 600/m)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l last -d 'Only the newest N deliveries (of those the other options select)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l since -d 'Only deliveries received since then: a length of time back (10m, 2h, 1d) or a time (2026-11-01T10:00)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l until -d 'Only deliveries received before then (same forms as --since)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l event -d 'Only this event type (lenient: `Coworker Update` = `coworker-update`)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l status -d 'Only this state (recorded, pending, forwarded, failed, dead, rejected) or last response status (500, 5xx)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l provider -d 'Only this provider' -r -f -a "nexus\t''
nexudus\t''
nexadesk\t''
nudj\t''
standard\t''
github\t''
stripe\t''
shopify\t''
slack\t''"
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l route -d 'Only deliveries that arrived on this route (its path prefix, e.g. /webhooks/nexadesk)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l source -d 'Only deliveries from here: listen, tunnel, send or replay' -r -f -a "listen\t''
tunnel\t''
send\t''
replay\t''"
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l profile -d 'Re-sign every delivery with this profile [default: the profile each delivery was verified or sent with]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l secret-env -d 'Read the secret from this environment variable' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l secret-file -d 'Read the secret from this file (trailing newline ignored)' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l secret -d 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l resign -d 'A fresh timestamp (and delivery id, where the provider has one) and signature'
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l no-resign -d 'Keep the recorded signature even with --set or --edit (to test that the receiver rejects it)'
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l edit -d 'Open $VISUAL or $EDITOR on the body of one delivery, then re-sign'
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -s k -l insecure -d 'Accept any TLS certificate, e.g. a self-signed one'
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l dry-run -d 'Print each request as a curl command (with --json, as JSON) instead of sending it; records nothing'
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l show-secrets -d 'Show credentials in --dry-run output'
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -s y -l yes -d 'Replay more than 100 deliveries without asking'
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand replay" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l last -d 'Only the newest N deliveries (of those the other options select)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l since -d 'Only deliveries received since then: a length of time back (10m, 2h, 1d) or a time (2026-11-01T10:00)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l until -d 'Only deliveries received before then (same forms as --since)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l event -d 'Only this event type (lenient: `Coworker Update` = `coworker-update`)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l status -d 'Only this state (recorded, pending, forwarded, failed, dead, rejected) or last response status (500, 5xx)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l provider -d 'Only this provider' -r -f -a "nexus\t''
nexudus\t''
nexadesk\t''
nudj\t''
standard\t''
github\t''
stripe\t''
shopify\t''
slack\t''"
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l route -d 'Only deliveries that arrived on this route (its path prefix, e.g. /webhooks/nexadesk)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l source -d 'Only deliveries from here: listen, tunnel, send or replay' -r -f -a "listen\t''
tunnel\t''
send\t''
replay\t''"
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l format -d 'Print records in this form instead of opening the viewer [default: line, or json with --json]' -r -f -a "line\t'One human-readable line per delivery (what `listen` prints)'
json\t'One JSON object per line (NDJSON)'
csv\t'CSV with a header row'
har\t'One HAR 1.2 document of the selection (implies --no-follow)'"
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l no-follow -d 'Print what matches and exit instead of following'
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand tail" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l port -d 'Port to listen on (0 picks a free one)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l bind -d 'Address to bind (0.0.0.0 for every interface)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l tls-cert -d 'TLS certificate (PEM); without one, serve plain HTTP behind a proxy that does TLS' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l tls-key -d 'TLS private key (PEM)' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l max-body -d 'Largest body a channel accepts (413 beyond)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l max-backlog -d 'Most deliveries a channel holds for its client (503 beyond, so providers retry)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l max-backlog-size -d 'Most bytes a channel holds for its client (503 beyond)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l rate -d 'Deliveries a channel accepts per second (429 beyond); 0 for no limit' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l ack -d 'How providers are answered, for channels that do not set it [default: what the channel\'s client asks for]' -r -f -a "immediate\t'200 with an empty body as soon as the delivery is stored'
passthrough\t'Wait for the local app and return its answer'"
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l passthrough-timeout -d 'How long a passthrough provider waits for the client\'s answer (504 after)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -f -a "token" -d 'Make, list and revoke channel tokens (the running server picks changes up within a second)'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and not __fish_seen_subcommand_from token help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from token" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from token" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from token" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from token" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from token" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from token" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from token" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from token" -f -a "add" -d 'Make a channel (or give a revoked one a new token) and print its token, once'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from token" -f -a "list" -d 'List channels: token state, when made and last used, deliveries held (never the token)'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from token" -f -a "revoke" -d 'Revoke a channel\'s token; its client is disconnected and its held deliveries wait for a new token'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from token" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from help" -f -a "token" -d 'Make, list and revoke channel tokens (the running server picks changes up within a second)'
complete -c hooktap -n "__fish_hooktap_using_subcommand serve; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l profile -d 'Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l provider -d 'Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)' -r -f -a "nexus\t''
nexudus\t''
nexadesk\t''
nudj\t''
standard\t''
github\t''
stripe\t''
shopify\t''
slack\t''"
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l secret-env -d 'Read the secret from this environment variable' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l secret-file -d 'Read the secret from this file (trailing newline ignored)' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l secret -d 'The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l event -d 'Catalog event to build deliveries from [default: a representative one]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l data -d 'Build deliveries from this body instead of a catalog event: @file, - for stdin, or the text' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l only -d 'Run only these checks (comma-separated names)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l skip -d 'Leave out these checks (comma-separated names)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l format -d 'Output: a table, one JSON document (as --json), or JUnit XML for CI' -r -f -a "table\t'A table with one line per check and a summary'
json\t'One JSON document'
junit\t'JUnit XML, one test case per check'"
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -s H -l header -d 'Extra header on every delivery, `Name: value` (repeatable; e.g. authorization)' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l timeout -d 'How long each delivery may take [default: the provider\'s documented timeout]' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l time-scale -d 'How much faster than real time the retry schedule runs: auto (the whole schedule in about 5 s), 1000x, or a factor such as 0.001' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l inject-failures -d 'How many attempts count as failed on the provider\'s side (its ack lost) before the endpoint\'s answers count' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l burst -d 'How many deliveries the burst check sends' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l concurrency -d 'How many of them at once' -r
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -s k -l insecure -d 'Accept any certificate for the deliveries (the tls check still judges it as providers do)'
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l simulate-retries -d 'Also redeliver one event on the provider\'s retry schedule (the `retries` check)'
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand check" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand completions" -l dir -d 'With `man`: write a page for every command (hooktap-send.1, ...) into this directory' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand completions" -l config -d 'Use this config file instead of the user and project files' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand completions" -l db -d 'SQLite database to record to and read from' -r -F
complete -c hooktap -n "__fish_hooktap_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c hooktap -n "__fish_hooktap_using_subcommand completions" -l json -d 'Print results as JSON where a command prints results'
complete -c hooktap -n "__fish_hooktap_using_subcommand completions" -s q -l quiet -d 'Only print errors'
complete -c hooktap -n "__fish_hooktap_using_subcommand completions" -s v -l verbose -d 'More logging (-v info, -vv debug, -vvv trace)'
complete -c hooktap -n "__fish_hooktap_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooktap -n "__fish_hooktap_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and not __fish_seen_subcommand_from config send verify listen replay tail serve check completions help" -f -a "config" -d 'Manage profiles, routes and defaults (TOML)'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and not __fish_seen_subcommand_from config send verify listen replay tail serve check completions help" -f -a "send" -d 'Fire realistic, correctly signed test events at an endpoint'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and not __fish_seen_subcommand_from config send verify listen replay tail serve check completions help" -f -a "verify" -d 'Check a webhook signature offline and explain why it fails'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and not __fish_seen_subcommand_from config send verify listen replay tail serve check completions help" -f -a "listen" -d 'Run the local relay: receive, verify, record, forward with retries'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and not __fish_seen_subcommand_from config send verify listen replay tail serve check completions help" -f -a "replay" -d 'Re-deliver recorded deliveries: as recorded, re-signed, or edited'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and not __fish_seen_subcommand_from config send verify listen replay tail serve check completions help" -f -a "tail" -d 'Show the delivery log live: the viewer on a terminal, records on a pipe'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and not __fish_seen_subcommand_from config send verify listen replay tail serve check completions help" -f -a "serve" -d 'Run the public end of the tunnel, and manage its channel tokens'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and not __fish_seen_subcommand_from config send verify listen replay tail serve check completions help" -f -a "check" -d 'Test a webhook receiver the way its provider will treat it'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and not __fish_seen_subcommand_from config send verify listen replay tail serve check completions help" -f -a "completions" -d 'Print shell completions'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and not __fish_seen_subcommand_from config send verify listen replay tail serve check completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "init" -d 'Write a commented config file to start from'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Show where the config files and the database are'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "list" -d 'Show every setting with its value and where it came from'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "get" -d 'Print one setting\'s value'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Set a value in the config file'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "unset" -d 'Remove a value from the config file'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "validate" -d 'Check every layer, profile and route; exit 2 on problems'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "profile" -d 'Manage profiles (provider + secret)'
complete -c hooktap -n "__fish_hooktap_using_subcommand help; and __fish_seen_subcommand_from serve" -f -a "token" -d 'Make, list and revoke channel tokens (the running server picks changes up within a second)'
