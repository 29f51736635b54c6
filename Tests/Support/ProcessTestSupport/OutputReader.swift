import AgentScheduling
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a child's standard output and error on a thread of its own (never on Swift's cooperative pool).
///
/// The thread polls both pipes with a short timeout, so it notices by itself when the child has been reaped.
/// It stops at the end of both pipes or, when a process that escaped the child's group still holds a pipe
/// open, a grace period after the child was reaped; then it drains what is buffered without waiting, closes
/// the descriptors and marks the output closed. So the output of a reaped child always ends.
enum OutputReader {
    /// How long the reader keeps waiting for the end of the pipes after the child was reaped.
    static let gracePeriodAfterExit: Duration = .seconds(2)

    /// Starts the reader thread.
    /// - Parameters:
    ///   - stdout: The read end of the child's standard output pipe (closed by the reader).
    ///   - stderr: The read end of the child's standard error pipe (closed by the reader).
    ///   - output: Where the bytes go.
    ///   - name: The thread's name.
    static func start(stdout: Int32, stderr: Int32, into output: ProcessOutput, name: String) {
        let thread = Thread { read(stdout: stdout, stderr: stderr, into: output) }
        thread.name = name
        thread.stackSize = 256 << 10
        thread.start()
    }

    private static func read(stdout: Int32, stderr: Int32, into output: ProcessOutput) {
        var descriptors = [stdout, stderr]
        var buffer = [UInt8](repeating: 0, count: 65_536)

        /// Reads once; `false` at the end of the pipe (or on an error), `nil` when nothing is buffered.
        func readOnce(_ stream: Int) -> Bool? {
            let count = buffer.withUnsafeMutableBytes { raw in
                systemRead(descriptors[stream], raw.baseAddress, raw.count)
            }
            if count > 0 {
                output.append(buffer[..<count], isError: stream == 1)
                return true
            }
            if count < 0 && errno == EINTR { return true }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return nil }
            return false
        }

        var abandoned: String?
        while descriptors.contains(where: { $0 >= 0 }) {
            if let exitedAt = output.exitedAt, ContinuousClock.now - exitedAt > gracePeriodAfterExit {
                abandoned =
                    "the output pipes were still open \(gracePeriodAfterExit) after the process exited (a process that left its group holds them); reading stopped there"
                break
            }
            var polls = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = polls.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), 100) }
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            for stream in 0..<2 where descriptors[stream] >= 0 && polls[stream].revents != 0 {
                if readOnce(stream) == false {
                    ProcessLauncher.close(descriptors[stream])
                    descriptors[stream] = -1
                }
            }
        }
        // Whatever is left is already in the pipes: take it without waiting for writers that are still out there.
        for stream in 0..<2 where descriptors[stream] >= 0 {
            _ = fcntl(descriptors[stream], F_SETFL, fcntl(descriptors[stream], F_GETFL) | O_NONBLOCK)
            while readOnce(stream) == true {}
            ProcessLauncher.close(descriptors[stream])
            descriptors[stream] = -1
        }
        output.closeOutput(abandoned: abandoned)
    }

    private static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.read(descriptor, buffer, count)
        #else
            Darwin.read(descriptor, buffer, count)
        #endif
    }
}
