/// A test-tool command line: positional arguments and `--name value` (or `--name=value`) options.
struct ToolArguments {
    /// A command line that cannot be understood (exit status 2).
    struct UsageError: Error, CustomStringConvertible {
        /// What is wrong.
        let message: String
        var description: String { message }
    }

    /// The arguments that are not options.
    private(set) var positionals: [String] = []
    private var options: [String: String] = [:]

    /// Parses `arguments` for a command that knows the options `known` (names without `--`).
    /// - Throws: ``UsageError`` for an unknown option or an option without its value.
    init(_ arguments: [String], options known: Set<String>) throws(UsageError) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--") else {
                positionals.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard known.contains(name) else {
                throw UsageError(message: "unknown option --\(name); known: \(known.sorted().map { "--\($0)" })")
            }
            if value == nil { value = remaining.popFirst() }
            guard let value else { throw UsageError(message: "--\(name) needs a value") }
            options[name] = value
        }
    }

    /// The value of an option, if given.
    func value(_ name: String) -> String? { options[name] }

    /// A whole-number option.
    /// - Throws: ``UsageError`` when the value is not a whole number in `range`.
    func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let text = options[name] else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(message: "--\(name) must be a whole number in \(range), got \"\(text)\"")
        }
        return number
    }
}
