import Foundation

/// What an agent receives besides its request: who it is, the clock, and ways to report.
///
/// Cancellation is cooperative and uses Swift task cancellation: check `Task.isCancelled` or call
/// ``checkCancellation()`` between steps, and pass cancellation on to child work. After a timeout or a
/// cancellation the agent has a bounded grace period to return before the run is recorded anyway.
public struct AgentRunContext: Sendable {
    /// The run's identifier.
    public let runID: RunID
    /// The attempt number (1 for the first).
    public let attempt: Int
    /// The request being served.
    public let request: AgentRunRequest
    /// The clock to use for all waiting and time stamps (a ``ManualClock`` in tests).
    public let clock: any AgentClock
    /// When the run times out.
    public let deadline: Date
    private let events: EventBroadcaster
    private let excerpt: LogExcerpt

    /// Creates a context (the orchestrator does this; tests of an agent may too).
    /// - Parameters:
    ///   - runID: The run's identifier.
    ///   - attempt: The attempt number.
    ///   - request: The request being served.
    ///   - clock: The clock.
    ///   - deadline: When the run times out.
    ///   - events: Where progress and log events go.
    ///   - excerpt: Where log lines are kept for the record.
    public init(
        runID: RunID, attempt: Int, request: AgentRunRequest, clock: any AgentClock, deadline: Date,
        events: EventBroadcaster = EventBroadcaster(), excerpt: LogExcerpt = LogExcerpt()
    ) {
        self.runID = runID
        self.attempt = attempt
        self.request = request
        self.clock = clock
        self.deadline = deadline
        self.events = events
        self.excerpt = excerpt
    }

    /// The same context (events, log excerpt, clock) with an earlier deadline, for an agent that stops its own
    /// work before the run's limit so that it can still report how it ended (a later `deadline` is ignored).
    /// - Parameter deadline: The earlier deadline.
    /// - Returns: The context with `min(deadline, self.deadline)`.
    public func withDeadline(_ deadline: Date) -> AgentRunContext {
        AgentRunContext(
            runID: runID, attempt: attempt, request: request, clock: clock, deadline: min(deadline, self.deadline),
            events: events, excerpt: excerpt)
    }

    /// The agent's name.
    public var agentName: AgentName { request.agentName }

    /// The run's parameters.
    public var parameters: JSONValue { request.parameters }

    /// Whether the run has been cancelled (by timeout, shutdown or an overlap `replace`).
    public var isCancelled: Bool { Task.isCancelled }

    /// Throws `CancellationError` if the run has been cancelled.
    /// - Throws: `CancellationError`.
    public func checkCancellation() throws {
        try Task.checkCancellation()
    }

    /// Reports progress as a ``RunEvent/Kind/runProgress`` event.
    /// - Parameters:
    ///   - fraction: How much is done, 0 to 1, if known.
    ///   - message: What is happening.
    public func reportProgress(_ fraction: Double? = nil, _ message: String) {
        events.emit(
            RunEvent(
                kind: .runProgress, timestamp: clock.now, agentName: request.agentName, runID: runID,
                attempt: attempt, status: .running, message: message, progress: fraction.map { min(max($0, 0), 1) }))
    }

    /// Writes a structured log line: it becomes a ``RunEvent/Kind/runLog`` event and part of the record's
    /// log excerpt.
    /// - Parameters:
    ///   - message: The line.
    ///   - level: `debug`, `info`, `warning` or `error` (default `info`).
    ///   - metadata: Structured fields (they become the event's ``LogDetails/fields``).
    public func log(_ message: String, level: String = "info", metadata: [String: String] = [:]) {
        excerpt.append(level == "info" ? message : "[\(level)] \(message)")
        events.emit(
            RunEvent(
                kind: .runLog, timestamp: clock.now, agentName: request.agentName, runID: runID, attempt: attempt,
                status: .running, message: message, details: .log(LogDetails(level: level, fields: metadata))))
    }

    /// Reports that the agent called a tool, as a ``RunEvent/Kind/toolCall`` event (a coding agent reports each
    /// edit, search or command it ran; subscribers and `agentctl serve --json` see them as they happen).
    ///
    /// ```swift
    /// let started = context.clock.now
    /// let output = try await shell.run("swift build")
    /// context.toolCall(
    ///     name: "shell", input: "swift build", duration: .seconds(context.clock.now.timeIntervalSince(started)),
    ///     outcome: output.exitStatus == 0 ? .succeeded : .failed)
    /// ```
    /// - Parameters:
    ///   - name: The tool's name.
    ///   - input: A one-line summary of the input (no secrets).
    ///   - duration: How long the call took, if measured.
    ///   - outcome: How the call ended (default succeeded).
    ///   - message: A human-readable note (for example the tool's error).
    public func toolCall(
        name: String, input: String? = nil, duration: Duration? = nil, outcome: ToolCallDetails.Outcome = .succeeded,
        message: String? = nil
    ) {
        events.emit(
            RunEvent(
                kind: .toolCall, timestamp: clock.now, agentName: request.agentName, runID: runID, attempt: attempt,
                status: .running, message: message,
                details: .toolCall(
                    ToolCallDetails(name: name, inputSummary: input, duration: duration, outcome: outcome))))
    }
}
