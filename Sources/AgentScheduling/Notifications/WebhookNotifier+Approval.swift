import AgentCore

extension WebhookNotifier {
    /// Posts the "awaiting approval" notification of an `approvalRequested` event (emitted once across runners) to
    /// the webhooks with the `approval` trigger, rendered from the stored request.
    func postApproval(_ event: RunEvent) {
        guard let agent = event.agentName, let runID = event.runID, let approvals = store as? any ApprovalStore else {
            return
        }
        let targets = webhooks.filter { $0.applies(to: agent) && $0.triggers.contains(.approval) }
        guard !targets.isEmpty else { return }
        pending.spawn { [self] in
            guard let request = try? await approvals.approval(runID: runID) else { return }
            let notification = WebhookNotification(
                kind: .approval, event: event, record: nil, retryScheduled: false,
                approval: ApprovalNotification(request: request))
            await withDiscardingTaskGroup { group in
                for webhook in targets {
                    group.addTask { _ = await self.post(notification, to: webhook) }
                }
            }
        }
    }
}
