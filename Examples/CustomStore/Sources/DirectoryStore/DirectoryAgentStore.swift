import AgentCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A minimal third-party ``AgentStore``: one JSON file per run, per named lease and per schedule state, in a
/// directory.
///
/// ```
/// <directory>/store.lock             flock(2) target: one operation at a time, across processes
/// <directory>/runs/<run-id>.json     one RunRecord each
/// <directory>/leases/<hex name>.json a LeaseFile (the live lease, if any, and the last fencing token)
/// <directory>/schedules/<agent>.json one ScheduleState each
/// <directory>/changes/<sequence>.json one change of the feed each (the newest 1,000 are kept)
/// <directory>/requests/<hex id>.json one ControlRequest each
/// <directory>/presences/<hex id>.json one RunnerPresence each
/// <directory>/plans/<hex id>.json     one PlanRun each
/// <directory>/approvals/<run-id>.json one ApprovalRequest each
/// ```
///
/// Every operation runs on a private serial Dispatch queue while holding an exclusive `flock` on
/// `store.lock`, and reads what it needs from disk. That makes each operation — above all ``claimRun(_:)``'s
/// check-then-insert — atomic within the process *and* across processes sharing the directory, and keeps the
/// blocking file I/O off Swift's cooperative thread pool. Files are written atomically (temporary file, then
/// rename). Lease expiry is always computed on the injected clock.
///
/// It is deliberately simple (queries read every run file), so it is a recipe, not a production store: see
/// the example's README for how the same rules map onto PostgreSQL or SQLite.
public final class DirectoryAgentStore: WorkflowStore {
    /// The directory the store lives in.
    public let directory: URL
    private let clock: any AgentClock
    private let queue: DispatchQueue
    private let lockDescriptor: Int32

    /// Opens (and creates if needed) a store in `directory`.
    /// - Parameters:
    ///   - directory: Where the files live.
    ///   - clock: The clock lease expiry is measured on (a ``ManualClock`` in tests).
    /// - Throws: ``StoreError`` with code ``StoreError/Code/io`` when the directory cannot be created.
    public init(directory: URL, clock: any AgentClock = SystemClock()) throws {
        self.directory = directory
        self.clock = clock
        self.queue = DispatchQueue(label: "DirectoryAgentStore \(directory.path)")
        do {
            for sub in ["runs", "leases", "schedules", "changes", "requests", "presences", "plans", "approvals"] {
                try FileManager.default.createDirectory(
                    at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
        } catch {
            throw StoreError(.io, "cannot create the store directory \(directory.path): \(error)")
        }
        let lockPath = directory.appendingPathComponent("store.lock").path
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError(.io, "cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        self.lockDescriptor = descriptor
    }

    deinit {
        close(lockDescriptor)
    }

    // MARK: - The lock

    /// Runs `body` on the store's serial queue under the exclusive file lock, without blocking the caller's
    /// thread: the caller's task suspends until the queue has run it.
    func locked<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [lockDescriptor] in
                guard flock(lockDescriptor, LOCK_EX) == 0 else {
                    let reason = String(cString: strerror(errno))
                    continuation.resume(throwing: StoreError(.io, "cannot lock the store: \(reason)"))
                    return
                }
                defer { flock(lockDescriptor, LOCK_UN) }
                continuation.resume(with: Result { try body() })
            }
        }
    }

    // MARK: - Files

    func runURL(_ id: RunID) -> URL {
        directory.appendingPathComponent("runs").appendingPathComponent(id.rawValue + ".json")
    }

    func leaseURL(_ name: String) -> URL {
        directory.appendingPathComponent("leases").appendingPathComponent(Self.hex(name) + ".json")
    }

    func requestURL(_ id: String) -> URL {
        directory.appendingPathComponent("requests").appendingPathComponent(Self.hex(id) + ".json")
    }

    func presenceURL(_ id: String) -> URL {
        directory.appendingPathComponent("presences").appendingPathComponent(Self.hex(id) + ".json")
    }

    /// Free text (lease names, request and runner ids) as a safe file name: its UTF-8 bytes in hex.
    static func hex(_ text: String) -> String {
        text.utf8.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    func scheduleURL(_ agent: AgentName) -> URL {
        // Agent names are valid path components by construction (letters, digits, `.`, `_`, `-`).
        directory.appendingPathComponent("schedules").appendingPathComponent("\(agent).json")
    }

    func read<T: Decodable>(_ type: T.Type, at url: URL) throws -> T? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw StoreError(.io, "cannot read \(url.path): \(error)")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw StoreError(.corruptData, "\(url.path) is not a valid \(type): \(error)")
        }
    }

    func write(_ value: some Encodable, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do {
            try encoder.encode(value).write(to: url, options: .atomic)
        } catch {
            throw StoreError(.io, "cannot write \(url.path): \(error)")
        }
    }

    func delete(_ url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            throw StoreError(.io, "cannot delete \(url.path): \(error)")
        }
    }

    /// Every file in a subdirectory, decoded.
    func readAll<T: Decodable>(_ type: T.Type, in subdirectory: String) throws -> [T] {
        let folder = directory.appendingPathComponent(subdirectory)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw StoreError(.io, "cannot list \(folder.path): \(error)")
        }
        return try names.filter { $0.hasSuffix(".json") }.compactMap {
            try read(type, at: folder.appendingPathComponent($0))
        }
    }

    /// The current time on the injected clock — never the wall clock, so tests control lease expiry.
    var now: Date { clock.now }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
