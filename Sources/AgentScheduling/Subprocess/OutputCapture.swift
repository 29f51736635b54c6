import AgentCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a child's standard output and error on a dedicated thread (never on Swift's cooperative pool),
/// until both pipes reach end of file or a stop is requested through the control pipe; then drains what is
/// already buffered, flushes and closes the log files, and reports.
enum OutputCapture {
    /// Everything the reader thread needs; all of it is created by the agent and handed over.
    struct Setup: Sendable {
        /// The read ends of the child's stdout and stderr pipes (closed by the reader).
        var stdoutPipe: Int32
        var stderrPipe: Int32
        /// The log files (flushed and closed by the reader).
        var stdoutFile: Int32
        var stderrFile: Int32
        /// The read end of the control pipe: a byte on it means "drain and stop" (not closed by the reader).
        var control: Int32
        /// The bound per stream.
        var limit: Int64
        /// The secrets to hide.
        var redactor: SecretRedactor
        /// The failure patterns.
        var classifier: OutputClassifier
        /// How many first and last lines to keep.
        var headLines: Int
        var tailLines: Int
        /// Called on the reader thread for each of the first lines, as they arrive.
        var logHeadLine: @Sendable (String) -> Void
        /// The transcript file (flushed and closed by the reader), or -1 for none.
        var transcriptFile: Int32 = -1
    }

    /// What the reader collected.
    struct Result: Sendable {
        var stdout: SubprocessReport.Output
        var stderr: SubprocessReport.Output
        var classifier: OutputClassifier
        /// The first lines (already logged), the last kept lines, and how many were left out between them.
        var headLines: [String]
        var tailLines: [String]
        var omittedLines: Int
        /// The last non-empty line of each stream, for failure messages.
        var lastStdoutLine: String?
        var lastStderrLine: String?
        /// Problems writing the log files.
        var warnings: [String]
    }

    /// Starts the reader thread.
    /// - Parameters:
    ///   - setup: The descriptors and settings.
    ///   - onFinish: Called once on the reader thread with the result, after the files are closed.
    static func start(_ setup: Setup, onFinish: @escaping @Sendable (Result) -> Void) {
        let thread = Thread {
            onFinish(read(setup))
        }
        thread.name = "agent-subprocess-output"
        thread.stackSize = 1 << 20
        thread.start()
    }

    private static func read(_ setup: Setup) -> Result {
        var streams = [
            OutputStreamPipeline(isStandardError: false, file: setup.stdoutFile, limit: setup.limit),
            OutputStreamPipeline(isStandardError: true, file: setup.stderrFile, limit: setup.limit),
        ]
        var classifier = setup.classifier
        var excerpt = ExcerptCollector(headLimit: setup.headLines, tailLimit: setup.tailLines)
        var transcript = TranscriptWriter(file: setup.transcriptFile, limit: setup.limit)
        var lastLines: [Int: [UInt8]] = [:]
        var descriptors = [setup.stdoutPipe, setup.stderrPipe]
        var buffer = [UInt8](repeating: 0, count: 65_536)

        func handle(line: ArraySlice<UInt8>, stream: Int) {
            let isError = stream == 1
            transcript.append(line, standardError: isError)
            if !classifier.isEmpty { classifier.inspect(String(decoding: line, as: UTF8.self), standardError: isError) }
            if !Self.isBlank(line) {
                lastLines[stream, default: []].removeAll(keepingCapacity: true)
                lastLines[stream, default: []].append(contentsOf: line)
            }
            if let head = excerpt.add(line, standardError: isError) { setup.logHeadLine(head) }
        }

        /// Reads once from a stream; returns false at end of file (or on a read error).
        func readOnce(_ stream: Int) -> Bool? {
            let count = buffer.withUnsafeMutableBytes { raw in
                systemRead(descriptors[stream], raw.baseAddress, raw.count)
            }
            if count > 0 {
                streams[stream].consume(buffer[..<count], redactor: setup.redactor) { handle(line: $0, stream: stream) }
                return true
            }
            if count < 0 && (errno == EINTR) { return true }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return nil }
            return false
        }

        var stopRequested = false
        while descriptors.contains(where: { $0 >= 0 }) && !stopRequested {
            var polls = [
                pollfd(fd: descriptors[0], events: Int16(POLLIN), revents: 0),
                pollfd(fd: descriptors[1], events: Int16(POLLIN), revents: 0),
                pollfd(fd: setup.control, events: Int16(POLLIN), revents: 0),
            ]
            let ready = polls.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), -1) }
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for stream in 0..<2 where descriptors[stream] >= 0 && polls[stream].revents != 0 {
                if readOnce(stream) == false {
                    ProcessLauncher.close(descriptors[stream])
                    descriptors[stream] = -1
                }
            }
            if polls[2].revents != 0 { stopRequested = true }
        }
        // Drain what is already in the pipes without waiting for writers that escaped the process group.
        for stream in 0..<2 where descriptors[stream] >= 0 {
            _ = fcntl(descriptors[stream], F_SETFL, fcntl(descriptors[stream], F_GETFL) | O_NONBLOCK)
            while readOnce(stream) == true {}
            ProcessLauncher.close(descriptors[stream])
            descriptors[stream] = -1
        }

        var warnings: [String] = []
        for stream in 0..<2 {
            streams[stream].finish(redactor: setup.redactor) { handle(line: $0, stream: stream) }
            let name = stream == 0 ? RunLogDirectory.stdoutFileName : RunLogDirectory.stderrFileName
            if let error = streams[stream].writeError {
                warnings.append("writing \(name) failed (\(error)); the rest of that output was discarded")
            } else if streams[stream].truncated {
                warnings.append(
                    "\(name) was truncated at \(setup.limit) bytes; \(streams[stream].discarded) further bytes were discarded"
                )
            }
            let file = stream == 0 ? setup.stdoutFile : setup.stderrFile
            _ = fsync(file)
            ProcessLauncher.close(file)
        }
        if let warning = transcript.finish() { warnings.append(warning) }
        func report(_ stream: Int, _ name: String) -> SubprocessReport.Output {
            SubprocessReport.Output(
                file: name, bytesReceived: streams[stream].received, bytesWritten: streams[stream].written,
                truncated: streams[stream].truncated)
        }
        return Result(
            stdout: report(0, RunLogDirectory.stdoutFileName), stderr: report(1, RunLogDirectory.stderrFileName),
            classifier: classifier, headLines: excerpt.headLines, tailLines: excerpt.tailLines,
            omittedLines: excerpt.omitted,
            lastStdoutLine: lastLines[0].map { String(decoding: $0, as: UTF8.self) },
            lastStderrLine: lastLines[1].map { String(decoding: $0, as: UTF8.self) }, warnings: warnings)
    }

    /// Whether a line is empty or only spaces and tabs (most lines are decided by their first byte).
    private static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        guard let first = line.first else { return true }
        if first != 0x20 && first != 0x09 { return false }
        return line.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    private static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            return Glibc.read(descriptor, buffer, count)
        #else
            return Darwin.read(descriptor, buffer, count)
        #endif
    }
}
