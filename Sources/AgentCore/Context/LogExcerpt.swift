import Synchronization

/// Keeps the first and the last lines of a run's log, so a record carries a bounded excerpt however
/// much the agent writes.
public final class LogExcerpt: Sendable {
    private struct State {
        var head: [String] = []
        var tail: [String] = []
        var tailStart = 0
        var omitted = 0
    }

    /// How many of the first lines are kept.
    public let headLimit: Int
    /// How many of the last lines are kept.
    public let tailLimit: Int
    /// The longest line kept, in characters; longer lines are cut with `…`.
    public let lineLimit: Int
    private let state = Mutex(State())

    /// Creates an empty excerpt.
    /// - Parameters:
    ///   - headLimit: How many first lines to keep (default 20).
    ///   - tailLimit: How many last lines to keep (default 20).
    ///   - lineLimit: The longest line kept (default 500 characters).
    public init(headLimit: Int = 20, tailLimit: Int = 20, lineLimit: Int = 500) {
        self.headLimit = max(0, headLimit)
        self.tailLimit = max(0, tailLimit)
        self.lineLimit = max(1, lineLimit)
    }

    /// Adds a line.
    /// - Parameter line: The line, without its newline.
    public func append(_ line: String) {
        let clipped = line.count > lineLimit ? String(line.prefix(lineLimit)) + "…" : line
        state.withLock { state in
            if state.head.count < headLimit {
                state.head.append(clipped)
            } else if tailLimit > 0 {
                if state.tail.count < tailLimit {
                    state.tail.append(clipped)
                } else {
                    state.tail[state.tailStart] = clipped
                    state.tailStart = (state.tailStart + 1) % tailLimit
                    state.omitted += 1
                }
            } else {
                state.omitted += 1
            }
        }
    }

    /// The kept lines in order, with a marker line where lines were left out.
    public var lines: [String] {
        state.withLock { state in
            var lines = state.head
            if state.omitted > 0 { lines.append("… \(state.omitted) line(s) omitted …") }
            lines.append(contentsOf: state.tail[state.tailStart...])
            lines.append(contentsOf: state.tail[..<state.tailStart])
            return lines
        }
    }
}
