extension RunEvent {
    /// The failure payload of a terminal event without success, or `nil`.
    public var failure: RunFailureDetails? {
        if case .failure(let value) = details { value } else { nil }
    }

    /// Whether the event reports a failure that no retry will follow (`false` for other events).
    public var isFinalFailure: Bool { failure?.isFinal ?? false }

    /// The payload of ``Kind/runRetryScheduled``, or `nil`.
    public var retry: RetryScheduleDetails? {
        if case .retry(let value) = details { value } else { nil }
    }

    /// The payload of ``Kind/agentPaused`` and ``Kind/agentResumed``, or `nil`.
    public var pause: PauseDetails? {
        if case .pause(let value) = details { value } else { nil }
    }

    /// The payload of ``Kind/schedulerStateChanged``, or `nil`.
    public var schedulerState: SchedulerStateChange? {
        if case .schedulerState(let value) = details { value } else { nil }
    }

    /// The payload of ``Kind/runDeduplicated``, or `nil`.
    public var deduplication: DeduplicationDetails? {
        if case .deduplication(let value) = details { value } else { nil }
    }

    /// The payload of ``Kind/scheduleMissed``, or `nil`.
    public var missedFires: MissedFiresDetails? {
        if case .missedFires(let value) = details { value } else { nil }
    }

    /// The payload of a webhook delivery's outcome, or `nil`.
    public var notification: NotificationDeliveryDetails? {
        if case .notification(let value) = details { value } else { nil }
    }

    /// The payload of ``Kind/runLog``, or `nil`.
    public var log: LogDetails? {
        if case .log(let value) = details { value } else { nil }
    }

    /// The payload of ``Kind/toolCall``, or `nil`.
    public var toolCall: ToolCallDetails? {
        if case .toolCall(let value) = details { value } else { nil }
    }

    /// The payload of ``Kind/slaBreached``, or `nil`.
    public var serviceLevelBreach: ServiceLevelBreach? {
        if case .serviceLevelBreach(let value) = details { value } else { nil }
    }

    /// The payload of ``Kind/fireOverdue``, or `nil`.
    public var overdueFire: OverdueFireDetails? {
        if case .overdueFire(let value) = details { value } else { nil }
    }
}
