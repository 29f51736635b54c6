import Foundation

/// The host's command-line flags.
struct HostOptions: Sendable {
    /// The directory whose Markdown files the `markdown-stats` agent counts.
    var docsDirectory = URL(fileURLWithPath: ".")
    /// Where the JSON-file store and the subprocess logs live.
    var stateDirectory = URL(fileURLWithPath: ".embedded-host")
    /// How often both agents fire.
    var interval: Duration = .seconds(30)
    /// Stop by itself after this long (for CI and demos); `nil` runs until SIGTERM or SIGINT.
    var runFor: Duration?
    /// Print the health snapshot of the state directory and exit.
    var healthOnly = false
    /// Print events as JSON lines instead of readable lines.
    var jsonEvents = false

    static let usage = """
        USAGE: EmbeddedHost [--docs DIR] [--state DIR] [--interval SECONDS] [--run-for SECONDS] [--json] [--health]

          --docs DIR           directory whose Markdown files are counted (default: .)
          --state DIR          store and log directory (default: .embedded-host)
          --interval SECONDS   how often the agents fire (default: 30)
          --run-for SECONDS    shut down gracefully after this long (default: until SIGTERM/SIGINT)
          --json               print events as JSON lines
          --health             print the health snapshot and exit

        While running: kill -USR1 <pid> prints the health snapshot; SIGTERM or Ctrl-C shuts down gracefully.
        """

    /// Parses the arguments (without the program name).
    /// - Throws: ``UsageError`` for an unknown flag or a bad value.
    static func parse(_ arguments: some Sequence<String>) throws(UsageError) -> HostOptions {
        var options = HostOptions()
        var iterator = arguments.makeIterator()
        func value(for flag: String) throws(UsageError) -> String {
            guard let value = iterator.next() else { throw UsageError("\(flag) needs a value") }
            return value
        }
        func seconds(for flag: String) throws(UsageError) -> Duration {
            let text = try value(for: flag)
            guard let seconds = Double(text), seconds.isFinite, seconds > 0 else {
                throw UsageError("\(flag) needs a positive number of seconds, not \"\(text)\"")
            }
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        while let argument = iterator.next() {
            switch argument {
            case "--docs": options.docsDirectory = URL(fileURLWithPath: try value(for: argument))
            case "--state": options.stateDirectory = URL(fileURLWithPath: try value(for: argument))
            case "--interval": options.interval = try seconds(for: argument)
            case "--run-for": options.runFor = try seconds(for: argument)
            case "--health": options.healthOnly = true
            case "--json": options.jsonEvents = true
            case "--help", "-h": throw UsageError(nil)
            default: throw UsageError("unknown argument \"\(argument)\"")
            }
        }
        return options
    }
}

/// A command-line mistake; `message == nil` means help was asked for.
struct UsageError: Error {
    let message: String?

    init(_ message: String?) {
        self.message = message
    }
}
