import AgentCore
import AgentScheduling
import AgentStorage
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The baselines the benchmarks measure in the same run as their figures, so that each figure can be quoted as a
/// ratio to something the same machine does without the project's code (absolute figures do not carry across
/// machines; a ratio to a baseline measured a moment earlier on the same machine mostly does).
enum Baselines {
    /// `figure / baseline`, rounded to four significant digits; 0 when the baseline is 0.
    static func ratio(_ figure: Double, to baseline: Double) -> Double {
        guard baseline > 0, figure.isFinite, baseline.isFinite else { return 0 }
        return significant(figure / baseline)
    }

    /// `value` rounded to four significant digits.
    static func significant(_ value: Double) -> Double {
        guard value != 0, value.isFinite else { return value }
        let scale = pow(10, 3 - floor(log10(abs(value))))
        return (value * scale).rounded() / scale
    }

    /// A ratio as printed: `0.271×`, `12.4×`.
    static func format(ratio: Double) -> String {
        switch abs(ratio) {
        case 100...: String(format: "%.0f×", ratio)
        case 10..<100: String(format: "%.1f×", ratio)
        case 0.1..<10: String(format: "%.2f×", ratio)
        default: String(format: "%.4f×", ratio)
        }
    }

    // MARK: - The in-memory store's share of a run's life cycle

    /// Runs per second of the bare store operations the orchestrator performs for one run — build the queued
    /// record, claim it (`claimRun`), mark it running (`updateRun`), write the terminal record (`updateRun`) —
    /// on a fresh in-memory store, `concurrency` tasks at a time, with no orchestrator, agent, timers or events.
    static func storeLifeCycle(runs: Int, concurrency: Int, agent: AgentName) async throws -> Double {
        let clock = SystemClock()
        let store = InMemoryAgentStore(clock: clock)
        let runIDs = RunIDGenerator()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for index in stride(from: worker, to: runs, by: concurrency) {
                        let request = AgentRunRequest(
                            agent: agent, parameters: ["n": .integer(Int64(index))], correlationID: "bench")
                        let queuedAt = clock.now
                        let proposed = RunRecord(
                            id: runIDs.next(at: queuedAt), request: request, status: .queued, queuedAt: queuedAt)
                        let claim = RunClaim(record: proposed, owner: "bench", leaseDuration: .seconds(300))
                        guard case .claimed(var record) = try await store.claimRun(claim) else {
                            throw StoreError(.invalidRecord, "the bare claim of run \(index) did not claim")
                        }
                        record.status = .running
                        record.startedAt = Timestamp.roundedToMilliseconds(clock.now)
                        try await store.updateRun(record)
                        record.status = .noOp
                        record.endedAt = Timestamp.roundedToMilliseconds(clock.now)
                        record.leaseExpiresAt = nil
                        try await store.updateRun(record)
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = (ContinuousClock.now - start).timeInterval
        guard store.runCount == runs else {
            throw StoreError(.invalidRecord, "expected \(runs) records, found \(store.runCount)")
        }
        return Double(runs) / elapsed
    }

    // MARK: - The bare cron engine

    /// Fires per second of the bare cron engine computing every fire time of `schedules` in `(start, end]` with
    /// successive `next(after:)` calls (no scheduler, no store); the fastest of `repeats` passes.
    static func cronEngine(
        schedules: [CronExpression], from start: Date, through end: Date, repeats: Int
    ) -> (fires: Int, firesPerSecond: Double) {
        var fires = 0
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            var count = 0
            let began = ContinuousClock.now
            for expression in schedules {
                var cursor = start
                while let fire = expression.next(after: cursor), fire <= end {
                    cursor = fire
                    count += 1
                }
            }
            best = min(best, (ContinuousClock.now - began).timeInterval)
            fires = count
        }
        return (fires, Double(fires) / best)
    }

    // MARK: - The disk

    /// What the disk gives a bare append-and-flush loop: `writers` threads append `lineBytes`-byte lines to one
    /// file in `directory` (opened `O_APPEND`) and call `fdatasync` after each, for about `seconds`.
    /// - Returns: Flushed appends per second, all writers together.
    static func flushRate(directory: URL, writers: Int, seconds: Double, lineBytes: Int = 600) throws -> Double {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("fsync-baseline-\(writers).jsonl").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError(.unavailable, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer {
            close(descriptor)
            unlink(path)
        }
        let line = [UInt8](repeating: 0x61, count: max(1, lineBytes - 1)) + [0x0A]
        let total = Tally()
        let group = DispatchGroup()
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        for _ in 0..<writers {
            group.enter()
            let thread = Thread {
                var count = 0
                var failure: Int32 = 0
                line.withUnsafeBytes { bytes in
                    while ContinuousClock.now < deadline {
                        guard write(descriptor, bytes.baseAddress, bytes.count) == bytes.count,
                            fdatasync(descriptor) == 0
                        else {
                            failure = errno
                            break
                        }
                        count += 1
                    }
                }
                total.state.withLock {
                    $0.count += count
                    if failure != 0 { $0.failure = failure }
                }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        let elapsed = (ContinuousClock.now - start).timeInterval
        let (count, failure) = total.state.withLock { ($0.count, $0.failure) }
        guard failure == 0 else {
            throw StoreError(.unavailable, "append+fdatasync on \(path) failed: \(String(cString: strerror(failure)))")
        }
        return Double(count) / elapsed
    }

    /// What the flushing threads add up.
    private final class Tally: Sendable {
        let state = Mutex<(count: Int, failure: Int32)>((0, 0))
    }

    /// The floor under opening a store: read its files (`snapshot.jsonl` and `journal.jsonl`) with `pread` in
    /// 8 MiB chunks, as the store does, and count their lines with `memchr`, on one thread.
    /// - Returns: The bytes read, the lines counted and the seconds taken.
    static func readAndScan(directory: URL) throws -> (bytes: Int64, lines: Int, seconds: Double) {
        let chunk = 8 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var bytes: Int64 = 0
        var lines = 0
        let start = ContinuousClock.now
        for name in ["snapshot.jsonl", "journal.jsonl"] {
            let path = directory.appendingPathComponent(name).path
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                if errno == ENOENT { continue }
                throw StoreError(.unavailable, "cannot open \(path): \(String(cString: strerror(errno)))")
            }
            defer { close(descriptor) }
            var offset: off_t = 0
            while true {
                let got = pread(descriptor, buffer.baseAddress, chunk, offset)
                if got < 0 && errno == EINTR { continue }
                guard got >= 0 else {
                    throw StoreError(.unavailable, "cannot read \(path): \(String(cString: strerror(errno)))")
                }
                if got == 0 { break }
                offset += off_t(got)
                bytes += Int64(got)
                var cursor = buffer.baseAddress!
                var remaining = got
                while remaining > 0, let found = memchr(cursor, 0x0A, remaining) {
                    lines += 1
                    let next = found + 1
                    remaining -= cursor.distance(to: next)
                    cursor = next
                }
            }
        }
        return (bytes, lines, (ContinuousClock.now - start).timeInterval)
    }
}
