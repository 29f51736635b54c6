import AgentCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the supervisor of a running command waits for.
enum ProcessSignal: Sendable {
    /// The command (the group leader) exited and was reaped.
    case exited(ProcessExit)
    /// The reader thread finished and closed the log files.
    case outputFinished(OutputCapture.Result)
    /// The run's deadline passed.
    case deadline
    /// The run's task was cancelled.
    case cancelled
    /// The grace period after SIGTERM ended.
    case graceExpired
}

/// Why the runner stopped a command.
enum StopReason: String, Sendable {
    case timeout
    case cancelled
}

/// How a supervised command ended.
struct Supervision: Sendable {
    var exit: ProcessExit
    var output: OutputCapture.Result
    var stopReason: StopReason?
    /// Whether SIGKILL was sent to the group.
    var killed: Bool
    /// Whether processes were left in the group after the command exited.
    var leftovers: Bool
}

extension SubprocessAgent {
    /// Waits for the command to end, stopping its process group on timeout or cancellation, then makes sure
    /// nothing of the group survives and the output has been collected.
    ///
    /// Teardown: SIGTERM to the group, ``terminationGracePeriod`` on the context's clock, SIGKILL to the group.
    /// Processes left in the group after the leader exited get SIGTERM, and SIGKILL once the output pipes
    /// close (they were the last writers) or the grace period ends.
    func supervise(
        group: pid_t, controlWrite: Int32, signals: SignalQueue<ProcessSignal>, context: AgentRunContext
    ) async -> Supervision {
        let clock = context.clock
        let grace = terminationGracePeriod
        let deadlineTimer = Task {
            do {
                try await clock.sleep(until: context.deadline)
                signals.deliver(.deadline)
            } catch {}
        }
        var graceTimer: Task<Void, Never>?
        defer {
            deadlineTimer.cancel()
            graceTimer?.cancel()
        }

        var exit: ProcessExit?
        var output: OutputCapture.Result?
        var stopReason: StopReason?
        var terminated = false
        var graceExpired = false
        var killed = false
        var leftovers = false

        func terminate() {
            guard !terminated else { return }
            terminated = true
            ProcessLauncher.signalGroup(SIGTERM, group: group)
            graceTimer = Task {
                do {
                    try await clock.sleep(for: grace)
                    signals.deliver(.graceExpired)
                } catch {}
            }
        }
        func kill() {
            guard !killed else { return }
            killed = true
            ProcessLauncher.signalGroup(SIGKILL, group: group)
        }
        func receive(_ signal: ProcessSignal) {
            switch signal {
            case .exited(let value): exit = value
            case .outputFinished(let value): output = value
            // Once the command has exited, its own outcome stands: a late deadline or cancellation only
            // shortens the cleanup of leftovers, which is already under way.
            case .deadline: if stopReason == nil && exit == nil { stopReason = .timeout }
            case .cancelled:
                // The orchestrator cancels at the deadline too: a cancellation from then on is the timeout.
                if stopReason == nil && exit == nil {
                    stopReason = clock.now >= context.deadline ? .timeout : .cancelled
                }
            case .graceExpired: graceExpired = true
            }
        }

        return await withTaskCancellationHandler {
            // 1. Until the command exits: stop it on timeout or cancellation.
            while exit == nil {
                receive(await signals.next())
                if stopReason != nil { terminate() }
                if graceExpired { kill() }
            }
            // 2. Processes left in the group: SIGTERM, then SIGKILL when the output closes or the grace ends.
            if ProcessLauncher.groupExists(group) {
                leftovers = !terminated
                terminate()
                while output == nil && !graceExpired && !killed {
                    receive(await signals.next())
                }
                if ProcessLauncher.groupExists(group) { kill() }
            }
            // 3. Collect the output; stop the reader if writers outside the group keep the pipes open.
            if output == nil {
                let stop: [UInt8] = [1]
                _ = stop.withUnsafeBytes { ProcessLauncher.writeAll(controlWrite, $0) }
                while output == nil { receive(await signals.next()) }
            }
            guard let exit, let output else { preconditionFailure("supervision ended without an exit and output") }
            return Supervision(
                exit: exit, output: output, stopReason: stopReason, killed: killed, leftovers: leftovers)
        } onCancel: {
            signals.deliver(.cancelled)
        }
    }
}
