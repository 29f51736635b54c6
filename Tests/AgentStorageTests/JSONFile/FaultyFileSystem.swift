import Dispatch
import Foundation
import Synchronization

@testable import AgentStorage

/// The real file system with faults a test can arm: failing or torn writes, failing flushes, truncates
/// and renames, and gates that hold a call until the test releases it.
final class FaultyFileSystem: StoreFileSystem {
    struct Faults {
        /// Fail this many upcoming writes (after writing half of the bytes when `tearWrites`).
        var failWrites = 0
        var tearWrites = false
        var writeErrno = ENOSPC
        var failSyncs = 0
        var failTruncates = 0
        /// Fail renames whose destination ends with this.
        var failRenameTo: String?
        /// Counters.
        var dataSyncs = 0
        /// Hold the next `fdatasync` until the gate opens.
        var holdNextDataSync = false
        var heldDataSyncs = 0
        /// Hold opens of paths containing this until the gate opens.
        var holdOpensContaining: String?
        var heldOpens = 0
    }

    let base = POSIXFileSystem()
    let faults = Mutex(Faults())
    let gate = DispatchSemaphore(value: 0)

    func arm(_ change: (inout Faults) -> Void) { faults.withLock { change(&$0) } }

    var dataSyncs: Int { faults.withLock { $0.dataSyncs } }

    func open(_ path: String, flags: Int32, mode: mode_t) throws(SystemCallError) -> Int32 {
        let hold = faults.withLock { faults in
            guard let marker = faults.holdOpensContaining, path.contains(marker) else { return false }
            faults.holdOpensContaining = nil
            faults.heldOpens += 1
            return true
        }
        if hold { gate.wait() }
        return try base.open(path, flags: flags, mode: mode)
    }

    func close(_ descriptor: Int32) { base.close(descriptor) }

    func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SystemCallError)
        -> Int
    {
        try base.read(descriptor, into: buffer, at: offset)
    }

    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(SystemCallError) -> Int {
        let (fail, tear, code) = faults.withLock { faults in
            guard faults.failWrites > 0 else { return (false, false, Int32(0)) }
            faults.failWrites -= 1
            return (true, faults.tearWrites, faults.writeErrno)
        }
        guard fail else { return try base.write(descriptor, bytes, at: offset) }
        if tear, bytes.count > 1 {
            _ = try base.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count / 2)]), at: offset)
        }
        throw SystemCallError(operation: "pwrite", code: code)
    }

    func synchronizeData(_ descriptor: Int32) throws(SystemCallError) {
        let (fail, hold) = faults.withLock { faults in
            faults.dataSyncs += 1
            let hold = faults.holdNextDataSync
            if hold {
                faults.holdNextDataSync = false
                faults.heldDataSyncs += 1
            }
            guard faults.failSyncs > 0 else { return (false, hold) }
            faults.failSyncs -= 1
            return (true, hold)
        }
        if hold { gate.wait() }
        if fail { throw SystemCallError(operation: "fdatasync", code: EIO) }
        try base.synchronizeData(descriptor)
    }

    func synchronize(_ descriptor: Int32) throws(SystemCallError) { try base.synchronize(descriptor) }

    func truncate(_ descriptor: Int32, to size: Int64) throws(SystemCallError) {
        let fail = faults.withLock { faults in
            guard faults.failTruncates > 0 else { return false }
            faults.failTruncates -= 1
            return true
        }
        if fail { throw SystemCallError(operation: "ftruncate", code: EIO) }
        try base.truncate(descriptor, to: size)
    }

    func status(_ descriptor: Int32) throws(SystemCallError) -> FileStatus { try base.status(descriptor) }
    func status(path: String) throws(SystemCallError) -> FileStatus? { try base.status(path: path) }

    func rename(_ source: String, to destination: String) throws(SystemCallError) {
        let fail = faults.withLock { faults in
            guard let suffix = faults.failRenameTo, destination.hasSuffix(suffix) else { return false }
            faults.failRenameTo = nil
            return true
        }
        if fail { throw SystemCallError(operation: "rename", code: EIO) }
        try base.rename(source, to: destination)
    }

    func remove(_ path: String) throws(SystemCallError) { try base.remove(path) }
    func makeDirectory(_ path: String, mode: mode_t) throws(SystemCallError) {
        try base.makeDirectory(path, mode: mode)
    }
    func contentsOfDirectory(_ path: String) throws(SystemCallError) -> [String] {
        try base.contentsOfDirectory(path)
    }
    func lock(_ descriptor: Int32) throws(SystemCallError) { try base.lock(descriptor) }
    func unlock(_ descriptor: Int32) throws(SystemCallError) { try base.unlock(descriptor) }
}

/// Yields until `condition` holds (no wall-clock waiting; fails the wait after many rounds).
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<1_000_000 {
        if condition() { return true }
        await Task.yield()
    }
    return condition()
}
