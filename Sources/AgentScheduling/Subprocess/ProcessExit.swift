import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a child process ended, decoded from a `waitpid` status: what ``ChildProcess/waitForExit(timeout:)`` returns,
/// and how subprocess agents and the project's test harness reap their children.
public struct ProcessExit: Sendable, Hashable, CustomStringConvertible {
    /// The exit status, when the process exited.
    public var exitStatus: Int32?
    /// The signal that killed it, when one did.
    public var signal: Int32?

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

    /// `exit status 0`, `killed by SIGKILL`, or `ended (its status could not be collected)`.
    public var description: String {
        if let exitStatus { return "exit status \(exitStatus)" }
        if let signal { return "killed by \(Self.name(ofSignal: signal))" }
        return "ended (its status could not be collected)"
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
