import AgentCore
import Foundation

extension RunEvent {
    /// The terminal event of a run: a run without success carries ``RunFailureDetails``, final unless
    /// `isFinal` says a retry follows.
    /// - Parameters:
    ///   - record: The terminal record.
    ///   - kind: `runSucceeded`, `runFailed`, `runTimedOut`, `runCancelled` or `runAbandoned`.
    ///   - timestamp: When, on the injected clock.
    ///   - message: The error message or summary.
    ///   - isFinal: Whether no retry follows.
    /// - Returns: The event.
    static func ended(
        _ record: RunRecord, kind: Kind, at timestamp: Date, message: String?, isFinal: Bool = true
    ) -> RunEvent {
        let details: Details? =
            record.status.isSuccess || record.status == .awaitingApproval
            ? nil : .failure(RunFailureDetails(failureClass: record.errorClass, isFinal: isFinal))
        return RunEvent(kind: kind, record: record, timestamp: timestamp, message: message, details: details)
    }

    /// The same event with its failure marked final or not (other events are returned unchanged).
    /// - Parameter isFinal: Whether no retry follows.
    /// - Returns: The event.
    func markingFailure(final isFinal: Bool) -> RunEvent {
        guard var failure else { return self }
        failure.isFinal = isFinal
        var event = self
        event.details = .failure(failure)
        return event
    }
}
