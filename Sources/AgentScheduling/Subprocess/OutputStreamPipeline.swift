import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What happens to the bytes of one output stream on the reader thread: secrets are redacted (holding back
/// enough bytes to catch a secret split across reads), the result is written to the log file up to the
/// bound, and complete lines are handed on for classification and the excerpt.
struct OutputStreamPipeline {
    /// The longest part of a line kept for matching and the excerpt.
    static let lineLimit = 4096

    let isStandardError: Bool
    let file: Int32
    let limit: Int64
    private(set) var received: Int64 = 0
    private(set) var written: Int64 = 0
    private(set) var discarded: Int64 = 0
    private(set) var writeError: String?
    private var pending: [UInt8] = []
    private var line: [UInt8] = []
    private var lineHasContent = false

    /// Creates a pipeline.
    /// - Parameters:
    ///   - isStandardError: Whether this is standard error.
    ///   - file: The log file's descriptor.
    ///   - limit: The most bytes written to it (before the truncation note).
    init(isStandardError: Bool, file: Int32, limit: Int64) {
        self.isStandardError = isStandardError
        self.file = file
        self.limit = limit
    }

    /// Whether output was discarded because of the bound.
    var truncated: Bool { discarded > 0 }

    /// Processes bytes read from the pipe.
    /// - Parameters:
    ///   - chunk: The bytes.
    ///   - redactor: The secrets to hide.
    ///   - emitLine: Called with each complete line (redacted, without its line break, at most ``lineLimit`` bytes).
    mutating func consume(_ chunk: ArraySlice<UInt8>, redactor: SecretRedactor, emitLine: (ArraySlice<UInt8>) -> Void) {
        received += Int64(chunk.count)
        if redactor.isEmpty {
            forward(chunk, emitLine: emitLine)
            return
        }
        pending.append(contentsOf: chunk)
        redactor.redact(bytes: &pending)
        let safe = pending.count - redactor.holdBack
        guard safe > 0 else { return }
        forward(pending[..<safe], emitLine: emitLine)
        pending.removeFirst(safe)
    }

    /// Flushes what is held back and the last partial line, and notes a truncation in the file.
    /// - Parameters:
    ///   - redactor: The secrets to hide.
    ///   - emitLine: Called with the last line, if any.
    mutating func finish(redactor: SecretRedactor, emitLine: (ArraySlice<UInt8>) -> Void) {
        if !pending.isEmpty {
            redactor.redact(bytes: &pending)
            forward(pending[...], emitLine: emitLine)
            pending = []
        }
        if lineHasContent || !line.isEmpty { emitCurrentLine(emitLine) }
        if discarded > 0 {
            let note =
                "\n[output truncated: kept the first \(written) bytes, discarded \(discarded) more; raise maximumOutputBytes to keep more]\n"
            writeAll(Array(note.utf8)[...])
        }
    }

    private mutating func forward(_ bytes: ArraySlice<UInt8>, emitLine: (ArraySlice<UInt8>) -> Void) {
        let room = max(0, limit - written)
        if room >= Int64(bytes.count) {
            writeAll(bytes)
        } else {
            if room > 0 { writeAll(bytes.prefix(Int(room))) }
            discarded += Int64(bytes.count) - room
        }
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            appendToLine(bytes[start..<newline])
            emitCurrentLine(emitLine)
            start = newline + 1
        }
        appendToLine(bytes[start...])
    }

    private mutating func appendToLine(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        lineHasContent = true
        let room = Self.lineLimit - line.count
        if room > 0 { line.append(contentsOf: bytes.prefix(room)) }
    }

    private mutating func emitCurrentLine(_ emitLine: (ArraySlice<UInt8>) -> Void) {
        emitLine(line.last == 0x0D ? line.dropLast() : line[...])
        line.removeAll(keepingCapacity: true)
        lineHasContent = false
    }

    private mutating func writeAll(_ bytes: ArraySlice<UInt8>) {
        guard writeError == nil, !bytes.isEmpty else {
            if writeError != nil { discarded += Int64(bytes.count) }
            return
        }
        let (count, error) = bytes.withUnsafeBytes { ProcessLauncher.writeAll(file, $0) }
        written += Int64(count)
        if let error {
            writeError = String(cString: strerror(error))
            discarded += Int64(bytes.count - count)
        }
    }
}
