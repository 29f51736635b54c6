import AgentScheduling

extension ParsedArguments {
    /// A positive duration option (`--window 6h`, `--timeout 30s`), or `fallback` when it is not given.
    /// - Parameters:
    ///   - name: The option's name.
    ///   - fallback: The value when the option is absent.
    ///   - command: The command's name, for the message.
    ///   - io: Where a bad value is reported.
    /// - Returns: The duration, or `nil` after printing why the value is not one (exit status 2).
    func positiveDuration(_ name: String, default fallback: Duration, command: String, io: CommandIO) -> Duration? {
        guard let text = value(name) else { return fallback }
        guard let duration = DurationText.parse(text), duration > .zero else {
            io.printError("agentctl \(command): --\(name): \"\(text)\" is not \(DurationText.expected)")
            return nil
        }
        return duration
    }
}
