/// Keeps a run's first output lines (handed out as they arrive, to be logged live) and its last lines.
///
/// Lines past the head are kept as bytes and decoded only if they are among the last ones at the end, so a
/// command that prints millions of lines costs one copy per line.
struct ExcerptCollector: Sendable {
    private let headLimit: Int
    private let tailLimit: Int
    private(set) var headLines: [String] = []
    private var tail: [(bytes: [UInt8], standardError: Bool)] = []
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

    /// The text shown for a line: stderr lines are marked `[stderr] `.
    static func shown(_ bytes: some Collection<UInt8>, standardError: Bool) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return standardError ? "[stderr] " + text : text
    }

    /// Adds a line.
    /// - Parameters:
    ///   - bytes: The line's bytes, without its line break.
    ///   - standardError: Whether it came from standard error.
    /// - Returns: The line's text when it is one of the first lines (log it now); `nil` otherwise.
    mutating func add(_ bytes: ArraySlice<UInt8>, standardError: Bool) -> String? {
        if headLines.count < headLimit {
            let text = Self.shown(bytes, standardError: standardError)
            headLines.append(text)
            return text
        }
        guard tailLimit > 0 else {
            omitted += 1
            return nil
        }
        if tail.count < tailLimit {
            tail.append((Array(bytes), standardError))
        } else {
            // Reuse the slot's storage: no allocation per line once the ring is full.
            tail[tailStart].bytes.removeAll(keepingCapacity: true)
            tail[tailStart].bytes.append(contentsOf: bytes)
            tail[tailStart].standardError = standardError
            tailStart = (tailStart + 1) % tailLimit
            omitted += 1
        }
        return nil
    }

    /// The kept last lines, oldest first.
    var tailLines: [String] {
        (tail[tailStart...] + tail[..<tailStart]).map { Self.shown($0.bytes, standardError: $0.standardError) }
    }
}
