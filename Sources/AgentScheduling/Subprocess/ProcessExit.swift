import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a child process ended, decoded from a `waitpid` status.
///
/// `package` so that the project's test harness (the `ProcessTestSupport` test target) can reap the children
/// it starts with ``ProcessLauncher`` the same way subprocess agents do.
package struct ProcessExit: Sendable, Hashable {
    /// The exit status, when the process exited.
    package var exitStatus: Int32?
    /// The signal that killed it, when one did.
    package var signal: Int32?

    /// Decodes a raw wait status (the `WIFEXITED`/`WTERMSIG` macros are not visible to Swift).
    /// - Parameter waitStatus: The status `waitpid` stored.
    package init(waitStatus: Int32) {
        let low = waitStatus & 0x7f
        if low == 0 {
            exitStatus = (waitStatus >> 8) & 0xff
            signal = nil
        } else if low != 0x7f {
            exitStatus = nil
            signal = low
        } else {
            exitStatus = nil
            signal = nil
        }
    }

    /// An exit whose status could not be collected.
    package init() {
        exitStatus = nil
        signal = nil
    }

    /// `SIGKILL`, `SIGTERM`…, or `signal N`.
    /// - Parameter signal: The signal number.
    /// - Returns: Its name.
    package static func name(ofSignal signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
            SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
            SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
            SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS",
        ]
        return names[signal] ?? "signal \(signal)"
    }

    /// Waits for a child on a dedicated thread (never on Swift's cooperative pool) and reports how it ended.
    /// - Parameters:
    ///   - pid: The child.
    ///   - onExit: Called once on that thread when the child has been reaped.
    package static func waitOnThread(for pid: pid_t, onExit: @escaping @Sendable (ProcessExit) -> Void) {
        let thread = Thread {
            var status: Int32 = 0
            while true {
                let result = waitpid(pid, &status, 0)
                if result == pid {
                    onExit(ProcessExit(waitStatus: status))
                    return
                }
                if result == -1 && errno == EINTR { continue }
                // ECHILD: someone else reaped it; the status is lost but the process is gone.
                onExit(ProcessExit())
                return
            }
        }
        thread.name = "agent-subprocess-wait-\(pid)"
        thread.stackSize = 256 << 10
        thread.start()
    }
}
