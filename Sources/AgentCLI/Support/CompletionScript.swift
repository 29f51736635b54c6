/// The text of the completion scripts of `agentctl completion` for bash, zsh and fish.
struct CompletionScript {
    /// A command as completion sees it.
    struct Command {
        /// The verb.
        var name: String
        /// Its long options, without the dashes.
        var options: [String]
        /// Whether its first argument is an agent name.
        var takesAgent: Bool
    }

    /// The commands.
    var commands: [Command]

    private var verbs: String { commands.map(\.name).joined(separator: " ") }
    private var agentVerbs: [String] { commands.filter(\.takesAgent).map(\.name) }

    /// The bash script: `source <(agentctl completion bash)`.
    var bash: String {
        let cases = commands.map { command in
            "        \(command.name)) options=\"\(command.options.map { "--" + $0 }.joined(separator: " "))\" ;;"
        }.joined(separator: "\n")
        return """
            # bash completion for agentctl (agentctl completion bash)
            _agentctl_names() {
                local config="" i
                for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
                    [ "${COMP_WORDS[i]}" = "--config" ] && config="${COMP_WORDS[i+1]}"
                done
                if [ -n "$config" ]; then
                    agentctl completion --list "$1" --config "$config" 2>/dev/null
                else
                    agentctl completion --list "$1" 2>/dev/null
                fi
            }
            _agentctl() {
                local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" options=""
                COMPREPLY=()
                if [ "$COMP_CWORD" -eq 1 ]; then
                    COMPREPLY=($(compgen -W "\(verbs) help" -- "$cur"))
                    return 0
                fi
                local command="${COMP_WORDS[1]}"
                case "$prev" in
                    --config) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
                    --task) COMPREPLY=($(compgen -W "$(_agentctl_names tasks)" -- "$cur")); return 0 ;;
                    --agent)
                        if [ "$command" = "run" ]; then
                            COMPREPLY=($(compgen -W "$(_agentctl_names tools)" -- "$cur"))
                        else
                            COMPREPLY=($(compgen -W "$(_agentctl_names agents)" -- "$cur"))
                        fi
                        return 0 ;;
                esac
                case "$command" in
            \(cases)
                esac
                if [[ "$cur" == -* ]]; then
                    COMPREPLY=($(compgen -W "$options" -- "$cur"))
                    return 0
                fi
                case "$command" in
                    \(agentVerbs.joined(separator: "|"))) COMPREPLY=($(compgen -W "$(_agentctl_names agents) latest" -- "$cur")) ;;
                    completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
                esac
                return 0
            }
            complete -F _agentctl agentctl

            """
    }

    /// The zsh script: save as `_agentctl` in a directory of `$fpath`, or source it after `compinit`.
    var zsh: String {
        let cases = commands.map { command in
            "        \(command.name)) options=(\(command.options.map { "--" + $0 }.joined(separator: " "))) ;;"
        }.joined(separator: "\n")
        return """
            #compdef agentctl
            # zsh completion for agentctl (agentctl completion zsh)
            _agentctl_names() {
                local config="" i
                for (( i = 1; i < ${#words}; i++ )); do
                    [[ ${words[i]} == --config ]] && config=${words[i+1]}
                done
                if [[ -n $config ]]; then
                    agentctl completion --list $1 --config $config 2>/dev/null
                else
                    agentctl completion --list $1 2>/dev/null
                fi
            }
            _agentctl() {
                local -a options names
                if (( CURRENT == 2 )); then
                    compadd -- \(verbs) help
                    return
                fi
                local command=${words[2]} previous=${words[CURRENT-1]}
                case $previous in
                    --config) _files; return ;;
                    --task) names=(${(f)"$(_agentctl_names tasks)"}); compadd -a names; return ;;
                    --agent)
                        if [[ $command == run ]]; then
                            names=(${(f)"$(_agentctl_names tools)"})
                        else
                            names=(${(f)"$(_agentctl_names agents)"})
                        fi
                        compadd -a names
                        return ;;
                esac
                case $command in
            \(cases)
                esac
                if [[ ${words[CURRENT]} == -* ]]; then
                    compadd -a options
                    return
                fi
                case $command in
                    \(agentVerbs.joined(separator: "|"))) names=(${(f)"$(_agentctl_names agents)"} latest); compadd -a names ;;
                    completion) compadd -- bash zsh fish ;;
                esac
            }
            if (( $+functions[compdef] )); then
                compdef _agentctl agentctl
            fi

            """
    }

    /// The fish script: save as `~/.config/fish/completions/agentctl.fish`.
    var fish: String {
        var lines = [
            "# fish completion for agentctl (agentctl completion fish)",
            "function __agentctl_names",
            "    set -l config (string replace -r -- '.*--config[ =]([^ ]+).*' '$1' (commandline -cp))",
            "    if test \"$config\" != (commandline -cp)",
            "        agentctl completion --list $argv[1] --config $config 2>/dev/null",
            "    else",
            "        agentctl completion --list $argv[1] 2>/dev/null",
            "    end",
            "end",
            "complete -c agentctl -f",
            "complete -c agentctl -n __fish_use_subcommand -a '\(verbs) help'",
        ]
        for command in commands {
            for option in command.options {
                var line = "complete -c agentctl -n '__fish_seen_subcommand_from \(command.name)' -l \(option)"
                switch option {
                case "task": line += " -x -a '(__agentctl_names tasks)'"
                case "agent" where command.name == "run": line += " -x -a '(__agentctl_names tools)'"
                case "agent": line += " -x -a '(__agentctl_names agents)'"
                case "config": line += " -r -F"
                default: break
                }
                lines.append(line)
            }
        }
        lines.append(
            "complete -c agentctl -n '__fish_seen_subcommand_from \(agentVerbs.joined(separator: " "))' -a '(__agentctl_names agents) latest'"
        )
        lines.append("complete -c agentctl -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'")
        return lines.joined(separator: "\n") + "\n"
    }
}
