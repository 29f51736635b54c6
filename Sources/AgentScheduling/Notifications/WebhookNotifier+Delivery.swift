import AgentCore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension WebhookNotifier {
    /// Delivers the notifications about one ended run to the webhooks that want it.
    func deliverRun(_ event: RunEvent, runID: RunID, isFailure: Bool, targets: [WebhookConfiguration]) async {
        var retryScheduled = false
        if isFailure, let failure = event.failure {
            retryScheduled = !failure.isFinal
        } else if isFailure {
            do {
                try await clock.sleep(for: retryDecisionDelay)
            } catch {
                return
            }
            retryScheduled = wasRetried(runID)
        }
        let record = try? await store.run(id: runID)
        let notification = WebhookNotification(
            kind: isFailure ? .failure : .run, event: event, record: record, retryScheduled: retryScheduled)
        await withDiscardingTaskGroup { group in
            for webhook in targets {
                let wanted =
                    webhook.triggers.contains(.everyRun)
                    || (isFailure && !retryScheduled && webhook.triggers.contains(.failure))
                guard wanted else { continue }
                group.addTask {
                    if await self.post(notification, to: webhook) { await self.storeNotifiedAt(runID) }
                }
            }
        }
    }

    /// Posts one notification with retries; never throws.
    /// - Returns: Whether the webhook accepted it.
    func post(_ notification: WebhookNotification, to webhook: WebhookConfiguration) async -> Bool {
        let request = notification.request(for: webhook)
        var problem = "not attempted"
        var statusCode: Int?
        var attempts = 0
        while attempts < webhook.maximumAttempts, !Task.isCancelled {
            attempts += 1
            var retryAfter: Duration?
            do {
                let (_, response) = try await session.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                statusCode = status
                if (200..<300).contains(status) {
                    report(
                        .notificationSent, notification, webhook, attempts: attempts, statusCode: status,
                        message:
                            "posted \(notification.kind.rawValue) notification to \(webhook.host) (\(webhook.format))"
                            + (attempts > 1 ? " after \(attempts) attempts" : ""))
                    return true
                }
                problem = "HTTP \(status)"
                guard status >= 500 || status == 408 || status == 429 else {
                    problem += " (not retried: fix the webhook's URL or headers)"
                    break
                }
                retryAfter = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After")
                    .flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.map { .interval($0) }
            } catch {
                problem = Self.describe(error)
                if Task.isCancelled { break }
            }
            guard attempts < webhook.maximumAttempts else { break }
            let backoff = webhook.initialRetryDelay * (1 << min(attempts - 1, 30))
            let delay = min(webhook.maximumRetryDelay, retryAfter ?? backoff)
            do {
                try await clock.sleep(for: delay)
            } catch {
                problem += "; cancelled while waiting to retry"
                break
            }
        }
        if Task.isCancelled && !problem.contains("cancelled") { problem += "; cancelled" }
        report(
            .notificationFailed, notification, webhook, attempts: attempts, statusCode: statusCode,
            message:
                "gave up posting \(notification.kind.rawValue) notification to \(webhook.host) (\(webhook.format)) after \(attempts) attempt(s): \(problem)"
        )
        return false
    }

    /// Stores the delivery time on the run's record, once per run.
    func storeNotifiedAt(_ runID: RunID) async {
        guard claimNotified(runID) else { return }
        do {
            guard var record = try await store.run(id: runID), record.notifiedAt == nil else { return }
            record.notifiedAt = Timestamp.roundedToMilliseconds(clock.now)
            try await store.updateRun(record)
            await didUpdateRecord?(record)
        } catch {
            reportingBroadcaster?.emit(
                RunEvent(
                    kind: .notificationFailed, timestamp: clock.now, runID: runID,
                    message: "the notification was delivered but its time could not be stored on run \(runID): \(error)"
                ))
        }
    }

    private func report(
        _ kind: RunEvent.Kind, _ notification: WebhookNotification, _ webhook: WebhookConfiguration, attempts: Int,
        statusCode: Int?, message: String
    ) {
        guard let events = reportingBroadcaster else { return }
        let delivery = NotificationDeliveryDetails(
            host: webhook.host, format: webhook.format.rawValue, notification: notification.kind.rawValue,
            attempts: attempts, statusCode: statusCode)
        events.emit(
            RunEvent(
                kind: kind, timestamp: clock.now, agentName: notification.event.agentName,
                runID: notification.record?.id ?? notification.event.runID, attempt: notification.event.attempt,
                message: message, details: .notification(delivery)))
    }

    /// A network error without the URL (which may hold a token).
    private static func describe(_ error: any Error) -> String {
        if let error = error as? URLError {
            return "network error \(error.code.rawValue) (\(error.localizedDescription))"
        }
        if error is CancellationError { return "cancelled" }
        return "error: \(type(of: error))"
    }
}
