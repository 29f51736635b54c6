/// Keeps a run's first output lines (handed out as they arrive, to be logged live) and its last lines.
struct ExcerptCollector: Sendable {
    private let headLimit: Int
    private let tailLimit: Int
    private(set) var headLines: [String] = []
    private var tail: [String] = []
    private var tailStart = 0
    private(set) var omitted = 0

    /// Creates a collector.
    /// - Parameters:
    ///   - headLimit: How many first lines to hand out.
    ///   - tailLimit: How many last lines to keep.
    init(headLimit: Int, tailLimit: Int) {
        self.headLimit = max(0, headLimit)
        self.tailLimit = max(0, tailLimit)
    }

    /// Adds a line.
    /// - Parameter line: The line.
    /// - Returns: Whether it is one of the first lines (log it now); otherwise it is kept for the tail.
    mutating func add(_ line: String) -> Bool {
        if headLines.count < headLimit {
            headLines.append(line)
            return true
        }
        guard tailLimit > 0 else {
            omitted += 1
            return false
        }
        if tail.count < tailLimit {
            tail.append(line)
        } else {
            tail[tailStart] = line
            tailStart = (tailStart + 1) % tailLimit
            omitted += 1
        }
        return false
    }

    /// The kept last lines, oldest first.
    var tailLines: [String] { Array(tail[tailStart...] + tail[..<tailStart]) }
}
