import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real file system: thin wrappers over POSIX calls that retry on `EINTR`.
struct POSIXFileSystem: StoreFileSystem {
    func open(_ path: String, flags: Int32, mode: mode_t) throws(SystemCallError) -> Int32 {
        while true {
            #if canImport(Glibc)
                let descriptor = Glibc.open(path, flags | O_CLOEXEC, mode)
            #else
                let descriptor = Darwin.open(path, flags | O_CLOEXEC, mode)
            #endif
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw SystemCallError(operation: "open", code: errno) }
        }
    }

    func close(_ descriptor: Int32) {
        #if canImport(Glibc)
            _ = Glibc.close(descriptor)
        #else
            _ = Darwin.close(descriptor)
        #endif
    }

    func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SystemCallError)
        -> Int
    {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = pread(descriptor, base, buffer.count, off_t(offset))
            if count >= 0 { return count }
            if errno != EINTR { throw SystemCallError(operation: "pread", code: errno) }
        }
    }

    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(SystemCallError) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        while true {
            let count = pwrite(descriptor, base, bytes.count, off_t(offset))
            if count >= 0 { return count }
            if errno != EINTR { throw SystemCallError(operation: "pwrite", code: errno) }
        }
    }

    func synchronizeData(_ descriptor: Int32) throws(SystemCallError) {
        while fdatasync(descriptor) != 0 {
            if errno != EINTR { throw SystemCallError(operation: "fdatasync", code: errno) }
        }
    }

    func synchronize(_ descriptor: Int32) throws(SystemCallError) {
        while fsync(descriptor) != 0 {
            if errno != EINTR { throw SystemCallError(operation: "fsync", code: errno) }
        }
    }

    func truncate(_ descriptor: Int32, to size: Int64) throws(SystemCallError) {
        while ftruncate(descriptor, off_t(size)) != 0 {
            if errno != EINTR { throw SystemCallError(operation: "ftruncate", code: errno) }
        }
    }

    func status(_ descriptor: Int32) throws(SystemCallError) -> FileStatus {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw SystemCallError(operation: "fstat", code: errno) }
        return Self.status(info)
    }

    func status(path: String) throws(SystemCallError) -> FileStatus? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw SystemCallError(operation: "stat", code: errno)
        }
        return Self.status(info)
    }

    private static func status(_ info: stat) -> FileStatus {
        FileStatus(
            identity: FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)), size: Int64(info.st_size))
    }

    func rename(_ source: String, to destination: String) throws(SystemCallError) {
        #if canImport(Glibc)
            let result = Glibc.rename(source, destination)
        #else
            let result = Darwin.rename(source, destination)
        #endif
        guard result == 0 else { throw SystemCallError(operation: "rename", code: errno) }
    }

    func remove(_ path: String) throws(SystemCallError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw SystemCallError(operation: "unlink", code: errno) }
    }

    func makeDirectory(_ path: String, mode: mode_t) throws(SystemCallError) {
        if try status(path: path) != nil { return }
        let parent = Self.parent(of: path)
        if !parent.isEmpty, parent != path, try status(path: parent) == nil {
            try makeDirectory(parent, mode: mode)
        }
        guard mkdir(path, mode) == 0 || errno == EEXIST else { throw SystemCallError(operation: "mkdir", code: errno) }
    }

    private static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    func contentsOfDirectory(_ path: String) throws(SystemCallError) -> [String] {
        guard let directory = opendir(path) else { throw SystemCallError(operation: "opendir", code: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    func lock(_ descriptor: Int32) throws(SystemCallError) {
        while flock(descriptor, LOCK_EX) != 0 {
            if errno != EINTR { throw SystemCallError(operation: "flock", code: errno) }
        }
    }

    func unlock(_ descriptor: Int32) throws(SystemCallError) {
        while flock(descriptor, LOCK_UN) != 0 {
            if errno != EINTR { throw SystemCallError(operation: "flock", code: errno) }
        }
    }
}
