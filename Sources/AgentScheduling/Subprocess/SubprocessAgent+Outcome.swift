import AgentCore
import Foundation

extension SubprocessAgent {
    /// Maps how the command ended onto an outcome (see the type's documentation), with a rate limit's
    /// retry-after, and records the deciding pattern in the report.
    func decide(
        supervision: Supervision, report: inout SubprocessReport, timedOut: Bool, elapsed: TimeInterval
    ) -> AgentRunResult {
        let exit = supervision.exit
        let output = supervision.output
        let ended = report.endDescription
        let duration = RunLogDirectory.seconds(elapsed)
        if timedOut {
            let teardown =
                supervision.killed
                ? "its process group got SIGTERM, then SIGKILL after the \(RunLogDirectory.seconds(terminationGracePeriod.timeInterval)) grace period"
                : "its process group was stopped with SIGTERM"
            let message =
                "timed out after \(RunLogDirectory.seconds(configuration.timeout.timeInterval)); \(teardown)\(lastLine(output).map { "; last output: \($0)" } ?? "")"
            return .failed(.timeout, message)
        }
        let succeeded = exit.exitStatus == 0 && supervision.stopReason == nil
        if let match = output.classifier.decidingMatch(commandSucceeded: succeeded) {
            report.matchedPattern = match.report
            let message =
                "\(ended); output matched \"\(match.pattern.pattern)\" (\(match.pattern.failureClass)) on \(match.stream): \(match.line)"
                + (match.pattern.hint.map { "; hint: \($0)" } ?? "")
            var result = AgentRunResult.failed(match.pattern.failureClass, message)
            if match.pattern.failureClass == .rateLimited { result.retryAfter = match.retryAfter }
            return result
        }
        if succeeded {
            if let outputs = approvalMatch(output) {
                return AgentRunResult(
                    outcome: .awaitingApproval,
                    summary: "exit status 0 after \(duration); awaiting approval of \(outputs)",
                    outputsURI: outputs)
            }
            return .succeeded("exit status 0 after \(duration)")
        }
        if exit.exitStatus == nil && exit.signal == nil {
            return .failed(
                .transient,
                "the command's exit status could not be collected (another part of this process reaped it)")
        }
        let context = lastLine(output).map { "; last output: \($0)" } ?? ""
        return .failed(.transient, "\(ended)\(context)")
    }

    /// The last line of standard error, else of standard output, marked with its stream.
    private func lastLine(_ output: OutputCapture.Result) -> String? {
        func clip(_ line: String) -> String { line.count > 300 ? String(line.prefix(300)) + "…" : line }
        if let line = output.lastStderrLine { return "[stderr] " + clip(line) }
        if let line = output.lastStdoutLine { return clip(line) }
        return nil
    }
}
