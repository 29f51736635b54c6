extension RunStatus {
    /// The terminal status of a run that failed with `failureClass`: ``timedOut`` for a timeout,
    /// ``cancelled`` for a cancellation, ``failed`` otherwise.
    /// - Parameter failureClass: How the run failed.
    package init(failure failureClass: FailureClass) {
        switch failureClass {
        case .timeout: self = .timedOut
        case .cancelled: self = .cancelled
        default: self = .failed
        }
    }
}

extension RunRecord {
    /// Copies what an agent returned into the record: the status (and error class and message for a
    /// failure), summary, counters, artifacts, warnings and outputs location.
    /// - Parameter result: The agent's result.
    package mutating func apply(_ result: AgentRunResult) {
        summary = result.summary
        counters = result.counters
        artifacts = result.artifacts
        warnings = result.warnings
        outputsURI = result.outputsURI
        switch result.outcome {
        case .succeeded:
            status = .succeeded
        case .noOp:
            status = .noOp
        case .awaitingApproval:
            status = .awaitingApproval
        case .failed(let failureClass, let message):
            status = RunStatus(failure: failureClass)
            errorClass = failureClass
            errorMessage = message
        }
    }
}
