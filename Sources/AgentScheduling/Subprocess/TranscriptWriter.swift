#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes `transcript.log` on the output reader thread: every line of both streams in the order the reader
/// received them, prefixed with `[stdout] ` or `[stderr] `, up to a bound, then a truncation note.
struct TranscriptWriter {
    /// The file's descriptor, or -1 when no transcript is written.
    let file: Int32
    /// The most bytes written before the truncation note.
    let limit: Int64
    private(set) var written: Int64 = 0
    private(set) var discarded: Int64 = 0
    private(set) var writeError: Int32?

    /// Creates a writer.
    /// - Parameters:
    ///   - file: The open transcript file, or -1 for none.
    ///   - limit: The bound in bytes.
    init(file: Int32, limit: Int64) {
        self.file = file
        self.limit = limit
    }

    /// Appends one line (already redacted, without its line break) marked with its stream.
    mutating func append(_ line: ArraySlice<UInt8>, standardError: Bool) {
        guard file >= 0 else { return }
        var bytes = Array((standardError ? "[stderr] " : "[stdout] ").utf8)
        bytes.append(contentsOf: line)
        bytes.append(0x0A)
        guard writeError == nil, written + Int64(bytes.count) <= limit else {
            discarded += Int64(bytes.count)
            return
        }
        let (count, error) = bytes.withUnsafeBytes { ProcessLauncher.writeAll(file, $0) }
        written += Int64(count)
        if let error { writeError = error }
    }

    /// Notes a truncation, flushes and closes the file.
    /// - Returns: A warning for the record when lines were left out, else `nil`.
    mutating func finish() -> String? {
        guard file >= 0 else { return nil }
        var warning: String?
        if let writeError {
            warning =
                "writing \(RunLogDirectory.transcriptFileName) failed (\(String(cString: strerror(writeError)))); the rest of the transcript was discarded"
        } else if discarded > 0 {
            let note =
                "[transcript truncated: kept the first \(written) bytes, discarded \(discarded) more; raise outputLimit to keep more]\n"
            _ = Array(note.utf8).withUnsafeBytes { ProcessLauncher.writeAll(file, $0) }
            warning = "\(RunLogDirectory.transcriptFileName) was truncated at \(limit) bytes"
        }
        _ = fsync(file)
        ProcessLauncher.close(file)
        return warning
    }
}
