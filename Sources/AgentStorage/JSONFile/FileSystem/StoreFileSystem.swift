import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a file lives on disk: equal identities mean the same file, even after a rename.
struct FileIdentity: Hashable, Sendable {
    /// The device the file is on.
    var device: UInt64
    /// The file's inode number.
    var inode: UInt64
}

/// What `stat` says about a file.
struct FileStatus: Hashable, Sendable {
    /// Which file it is.
    var identity: FileIdentity
    /// Its size in bytes.
    var size: Int64
}

/// A failed operating-system call: which call, and `errno`.
struct SystemCallError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The call that failed (`pwrite`, `fdatasync`, …).
    var operation: String
    /// The `errno` value.
    var code: Int32

    /// `pwrite failed: No space left on device (errno 28)`
    var description: String { "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))" }
}

/// The file operations the JSON-file store performs, behind a protocol so tests can inject faults
/// (a full disk, a torn write, a failing `fsync`) without touching real hardware.
///
/// Every method works on raw file descriptors and throws ``SystemCallError``; callers add the path to
/// the message. Implementations must be safe to call from several threads at once.
protocol StoreFileSystem: Sendable {
    /// Opens (and with `O_CREAT` creates) a file; `O_CLOEXEC` is always added.
    func open(_ path: String, flags: Int32, mode: mode_t) throws(SystemCallError) -> Int32
    /// Closes a descriptor, ignoring errors (nothing useful can be done about them).
    func close(_ descriptor: Int32)
    /// Reads up to `buffer.count` bytes at `offset`; returns the number read (0 at the end of the file).
    func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SystemCallError)
        -> Int
    /// Writes up to `bytes.count` bytes at `offset`; returns the number written.
    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(SystemCallError) -> Int
    /// Makes written data durable (`fdatasync`).
    func synchronizeData(_ descriptor: Int32) throws(SystemCallError)
    /// Makes data and metadata durable (`fsync`), also for directories.
    func synchronize(_ descriptor: Int32) throws(SystemCallError)
    /// Cuts a file to `size` bytes.
    func truncate(_ descriptor: Int32, to size: Int64) throws(SystemCallError)
    /// `fstat`.
    func status(_ descriptor: Int32) throws(SystemCallError) -> FileStatus
    /// `stat`, or `nil` when nothing exists at `path`.
    func status(path: String) throws(SystemCallError) -> FileStatus?
    /// Atomically replaces `destination` with `source`.
    func rename(_ source: String, to destination: String) throws(SystemCallError)
    /// Deletes a file; a missing file is not an error.
    func remove(_ path: String) throws(SystemCallError)
    /// Creates a directory and its missing parents.
    func makeDirectory(_ path: String, mode: mode_t) throws(SystemCallError)
    /// The names in a directory (without `.` and `..`).
    func contentsOfDirectory(_ path: String) throws(SystemCallError) -> [String]
    /// Takes the exclusive advisory lock on a descriptor (`flock(LOCK_EX)`), waiting for other holders.
    func lock(_ descriptor: Int32) throws(SystemCallError)
    /// Releases the advisory lock.
    func unlock(_ descriptor: Int32) throws(SystemCallError)
}
