import AgentCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file of the store: its descriptor, its path for messages, and the file system it goes
/// through. The descriptor is closed when the last reference goes away, so a reader that took a
/// reference can finish reading even after compaction replaced the file.
final class StoreFile: Sendable {
    /// The open descriptor.
    let descriptor: Int32
    /// The path the file was opened at (it may have been renamed or replaced since).
    let path: String
    /// The file system the descriptor belongs to.
    let fileSystem: any StoreFileSystem
    /// A number no other file opened by this process has, before or after (see ``RecordBytesKey``).
    let serial: UInt64

    private static let serials = Atomic<UInt64>(0)

    /// Opens a file.
    /// - Throws: ``StoreError`` with code `io` naming the path.
    init(path: String, flags: Int32, mode: mode_t = 0o600, fileSystem: any StoreFileSystem) throws(StoreError) {
        do {
            descriptor = try fileSystem.open(path, flags: flags, mode: mode)
        } catch {
            throw StoreError(.io, "cannot open \(path): \(error); check that the directory exists and is writable")
        }
        self.path = path
        self.fileSystem = fileSystem
        serial = Self.serials.wrappingAdd(1, ordering: .relaxed).newValue
    }

    deinit { fileSystem.close(descriptor) }

    /// The file's identity and size.
    func status() throws(StoreError) -> FileStatus {
        do { return try fileSystem.status(descriptor) } catch { throw StoreError(.io, "cannot stat \(path): \(error)") }
    }

    /// Reads exactly `count` bytes at `offset`, or fewer at the end of the file.
    func read(count: Int, at offset: Int64) throws(StoreError) -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: SystemCallError?
        var total = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            while total < count {
                do throws(SystemCallError) {
                    let got = try fileSystem.read(
                        descriptor, into: UnsafeMutableRawBufferPointer(rebasing: raw[total...]),
                        at: offset + Int64(total))
                    if got == 0 { break }
                    total += got
                } catch {
                    failure = error
                    break
                }
            }
            initialized = total
        }
        if let failure { throw StoreError(.io, "cannot read \(path) at byte \(offset + Int64(total)): \(failure)") }
        return bytes
    }

    /// Writes every byte at `offset`.
    /// - Throws: ``StoreError`` with code `io`; part of the bytes may have been written.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(StoreError) {
        var written = 0
        while written < bytes.count {
            do {
                let count = try fileSystem.write(
                    descriptor, UnsafeRawBufferPointer(rebasing: bytes[written...]), at: offset + Int64(written))
                guard count > 0 else {
                    throw SystemCallError(operation: "pwrite", code: EIO)
                }
                written += count
            } catch {
                throw StoreError(
                    .io,
                    "cannot write \(path) at byte \(offset + Int64(written)): \(error); free disk space or fix permissions, then retry"
                )
            }
        }
    }

    /// Writes every byte at `offset`.
    func write(_ bytes: [UInt8], at offset: Int64) throws(StoreError) {
        var failure: StoreError?
        bytes.withUnsafeBytes { raw in
            do throws(StoreError) { try write(raw, at: offset) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Makes the written data durable.
    func synchronizeData() throws(StoreError) {
        do { try fileSystem.synchronizeData(descriptor) } catch {
            throw StoreError(.io, "cannot flush \(path) to disk: \(error); the disk may be failing or full")
        }
    }

    /// Makes data and metadata durable (use for directories and freshly created files).
    func synchronize() throws(StoreError) {
        do { try fileSystem.synchronize(descriptor) } catch {
            throw StoreError(.io, "cannot flush \(path) to disk: \(error); the disk may be failing or full")
        }
    }

    /// Cuts the file to `size` bytes.
    func truncate(to size: Int64) throws(StoreError) {
        do { try fileSystem.truncate(descriptor, to: size) } catch {
            throw StoreError(.io, "cannot truncate \(path) to \(size) bytes: \(error)")
        }
    }

    /// Takes the exclusive advisory lock.
    func lock() throws(StoreError) {
        do { try fileSystem.lock(descriptor) } catch {
            throw StoreError(.unavailable, "cannot lock \(path): \(error); is the file system a local one?")
        }
    }

    /// Releases the advisory lock.
    func unlock() {
        try? fileSystem.unlock(descriptor)
    }
}
