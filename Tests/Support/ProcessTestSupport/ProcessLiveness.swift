import Foundation

/// Whether a process the test started (or one of its descendants) has ended.
package enum ProcessLiveness {
    /// Whether `pid` names no running process: it has exited, or it is a zombie waiting for its parent to reap it
    /// (so a child of a killed shell counts as gone even before `init` collects it).
    /// - Parameter pid: The process id.
    /// - Returns: `true` when the process no longer runs.
    package static func isGone(_ pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 { return errno == ESRCH }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
        return state == "Z" || state == "X"
    }
}
