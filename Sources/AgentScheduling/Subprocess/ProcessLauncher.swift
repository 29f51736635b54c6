import AgentCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The POSIX layer of subprocess agents: pipes, `posix_spawn` into a new process group, signals to the group.
///
/// The child gets stdin from `/dev/null`, stdout and stderr on the given descriptors, no other inherited
/// descriptor (where `posix_spawn_file_actions_addclosefrom_np` exists), an empty signal mask and default
/// signal dispositions (so a parent that blocks or ignores SIGTERM or SIGPIPE does not pass that on), and
/// its own process group whose id is its pid.
///
/// It is `package` so that the project's test harness (the `ProcessTestSupport` test target) launches
/// children the same way the agents do, instead of through Foundation's `Process`.
package enum ProcessLauncher {
    #if os(Linux)
        private typealias AddChdir =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        private typealias AddClosefrom =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) ->
            Int32
        private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

        /// glibc's GNU extensions are not visible to Swift's Glibc module, so they are looked up at run time.
        private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
            guard let pointer = dlsym(nil, name) else { return nil }
            return unsafeBitCast(pointer, to: type)
        }
    #endif

    /// Creates a pipe whose two ends are closed on exec.
    /// - Returns: The read and write descriptors.
    /// - Throws: ``SubprocessError`` when the system has no descriptors left.
    package static func makePipe() throws(SubprocessError) -> (read: Int32, write: Int32) {
        var fds: (Int32, Int32) = (-1, -1)
        let result = withUnsafeMutablePointer(to: &fds) { pair in
            pair.withMemoryRebound(to: Int32.self, capacity: 2) { pointer -> Int32 in
                #if os(Linux)
                    if let pipe2 = symbol("pipe2", as: Pipe2.self) { return pipe2(pointer, O_CLOEXEC) }
                #endif
                guard pipe(pointer) == 0 else { return -1 }
                _ = fcntl(pointer[0], F_SETFD, FD_CLOEXEC)
                _ = fcntl(pointer[1], F_SETFD, FD_CLOEXEC)
                return 0
            }
        }
        guard result == 0 else { throw failure("creating a pipe", errno) }
        return (fds.0, fds.1)
    }

    /// Starts a process in a new process group.
    /// - Parameters:
    ///   - path: The executable's absolute path.
    ///   - arguments: `argv`, starting with `argv[0]`.
    ///   - environment: The complete environment.
    ///   - workingDirectory: Where the child starts (`nil`: this process's current directory).
    ///   - stdout: The descriptor that becomes the child's standard output.
    ///   - stdin: The descriptor that becomes the child's standard input, or `nil` (the default, which
    ///     subprocess agents use) for `/dev/null`.
    ///   - stdout: The descriptor that becomes the child's standard output.
    ///   - stderr: The descriptor that becomes the child's standard error.
    /// - Returns: The child's pid, which is also its process group id.
    /// - Throws: ``SubprocessError`` when the process could not be started.
    package static func spawn(
        path: String, arguments: [String], environment: [String: String], workingDirectory: String?,
        stdin: Int32? = nil, stdout: Int32, stderr: Int32
    ) throws(SubprocessError) -> pid_t {
        #if os(Linux)
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #else
            var actions: posix_spawn_file_actions_t?
            var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        var code: Int32
        if let stdin {
            code = posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            code = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if code == 0 { code = posix_spawn_file_actions_adddup2(&actions, stdout, 1) }
        if code == 0 { code = posix_spawn_file_actions_adddup2(&actions, stderr, 2) }
        guard code == 0 else { throw failure("preparing the child's standard streams", code) }
        #if os(Linux)
            if let closefrom = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddClosefrom.self) {
                code = closefrom(&actions, 3)
                guard code == 0 else { throw failure("preparing to close inherited descriptors", code) }
            }
            if let workingDirectory {
                guard let addChdir = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self) else {
                    throw SubprocessError(
                        .spawnFailed,
                        "this C library cannot set a child's working directory (posix_spawn_file_actions_addchdir_np is missing, glibc 2.29+ needed); remove workingDirectory or run the command through sh -c 'cd … && …'"
                    )
                }
                code = addChdir(&actions, workingDirectory)
                guard code == 0 else { throw failure("preparing the working directory \(workingDirectory)", code) }
            }
        #else
            if let workingDirectory {
                code = posix_spawn_file_actions_addchdir_np(&actions, workingDirectory)
                guard code == 0 else { throw failure("preparing the working directory \(workingDirectory)", code) }
            }
        #endif

        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        code = posix_spawnattr_setsigmask(&attributes, &emptyMask)
        if code == 0 { code = posix_spawnattr_setsigdefault(&attributes, &defaults) }
        if code == 0 { code = posix_spawnattr_setpgroup(&attributes, 0) }
        if code == 0 {
            code = posix_spawnattr_setflags(
                &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        }
        guard code == 0 else { throw failure("preparing the child's process group and signals", code) }

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        code = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard code == 0 else {
            switch code {
            case ENOENT:
                throw SubprocessError(
                    .executableNotFound, "\(path) does not exist; check the executable's path", failureClass: .permanent
                )
            case EACCES, EPERM:
                throw SubprocessError(
                    .executableNotFound, "\(path) is not executable (permission denied); chmod +x it",
                    failureClass: .permanent)
            case ENOEXEC:
                throw SubprocessError(
                    .spawnFailed,
                    "\(path) is not in an executable format; a script needs a #! line, or run it through /bin/sh",
                    failureClass: .permanent)
            default:
                throw failure("starting \(path)", code)
            }
        }
        return pid
    }

    /// Sends a signal to every process of a group.
    /// - Parameters:
    ///   - signal: The signal.
    ///   - group: The process group id.
    /// - Returns: Whether any process received it (`false` when the group is empty).
    @discardableResult
    package static func signalGroup(_ signal: Int32, group: pid_t) -> Bool {
        guard group > 1 else { return false }
        return kill(-group, signal) == 0
    }

    /// Whether any process (possibly a zombie) is still in a group.
    /// - Parameter group: The process group id.
    /// - Returns: `true` while the group has members.
    package static func groupExists(_ group: pid_t) -> Bool {
        guard group > 1 else { return false }
        return kill(-group, 0) == 0 || errno == EPERM
    }

    /// Finds the executable to run.
    /// - Parameters:
    ///   - executable: An absolute path, a path with a `/` (relative to `workingDirectory`), or a name to look up.
    ///   - environment: The child's environment, whose `PATH` is searched (default `/usr/local/bin:/usr/bin:/bin`).
    ///   - workingDirectory: The child's working directory.
    /// - Returns: The absolute path.
    /// - Throws: ``SubprocessError`` with ``SubprocessError/Code/executableNotFound`` listing where it looked.
    package static func resolveExecutable(
        _ executable: String, environment: [String: String], workingDirectory: String?
    ) throws(SubprocessError) -> String {
        if executable.contains("/") {
            let path: String
            if executable.hasPrefix("/") {
                path = executable
            } else {
                let base = workingDirectory ?? FileManager.default.currentDirectoryPath
                path = URL(fileURLWithPath: base).appendingPathComponent(executable).standardizedFileURL.path
            }
            guard access(path, X_OK) == 0 else {
                let reason = access(path, F_OK) == 0 ? "is not executable (chmod +x it)" : "does not exist"
                throw SubprocessError(.executableNotFound, "the executable \(path) \(reason)", failureClass: .permanent)
            }
            return path
        }
        let searchPath = environment["PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/local/bin:/usr/bin:/bin"
        let directories = searchPath.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
        for directory in directories {
            let base =
                directory.hasPrefix("/")
                ? directory : (workingDirectory ?? FileManager.default.currentDirectoryPath) + "/" + directory
            let candidate = base + "/" + executable
            var info = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                return candidate
            }
        }
        throw SubprocessError(
            .executableNotFound,
            "\(executable) was not found in PATH (\(directories.joined(separator: ":"))); install it, give its absolute path, or set PATH in the agent's environment",
            failureClass: .permanent)
    }

    /// Writes all of a buffer, retrying after interruptions and partial writes.
    /// - Parameters:
    ///   - descriptor: Where to write.
    ///   - bytes: What to write.
    /// - Returns: How many bytes were written, and `errno` if writing stopped early.
    package static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> (count: Int, error: Int32?) {
        var offset = 0
        while offset < bytes.count {
            guard let base = bytes.baseAddress else { break }
            #if canImport(Glibc)
                let count = Glibc.write(descriptor, base + offset, bytes.count - offset)
            #else
                let count = Darwin.write(descriptor, base + offset, bytes.count - offset)
            #endif
            if count > 0 {
                offset += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return (offset, count < 0 ? errno : EIO)
            }
        }
        return (offset, nil)
    }

    /// Closes a descriptor, ignoring errors (and `-1`).
    /// - Parameter descriptor: The descriptor.
    package static func close(_ descriptor: Int32) {
        guard descriptor >= 0 else { return }
        #if canImport(Glibc)
            _ = Glibc.close(descriptor)
        #else
            _ = Darwin.close(descriptor)
        #endif
    }

    /// An error for a failed system call, classified transient for resource shortages and permanent otherwise.
    /// - Parameters:
    ///   - action: What was being done.
    ///   - code: The `errno` value.
    /// - Returns: The error.
    static func failure(_ action: String, _ code: Int32) -> SubprocessError {
        let transient: Set<Int32> = [EAGAIN, ENOMEM, EMFILE, ENFILE, EINTR, ENOSPC]
        return SubprocessError(
            .spawnFailed, "\(action) failed: \(String(cString: strerror(code))) (errno \(code))",
            failureClass: transient.contains(code) ? .transient : .permanent)
    }
}
