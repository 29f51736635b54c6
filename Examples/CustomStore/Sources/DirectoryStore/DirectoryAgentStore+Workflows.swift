import AgentCore
import Foundation

/// Plan runs and approvals: one file each, every operation under the store lock, so create-or-get, the
/// compare-and-set on a plan run's version and the decision on a request are atomic across processes. The decision
/// rules are AgentCore's (``ApprovalRequest/deciding(_:by:comment:now:)``), shared by every store.
extension DirectoryAgentStore {
    func planURL(_ id: String) -> URL {
        directory.appendingPathComponent("plans").appendingPathComponent(Self.hex(id) + ".json")
    }

    func approvalURL(_ runID: RunID) -> URL {
        directory.appendingPathComponent("approvals").appendingPathComponent(runID.rawValue + ".json")
    }

    // MARK: Plan runs

    /// Creates the plan run unless its id exists.
    /// - Parameter run: The new run.
    /// - Returns: The stored run and whether this call created it.
    /// - Throws: ``StoreError`` with `invalidRecord` for a run without tasks, or when a file cannot be written.
    public func createPlanRun(_ run: PlanRun) async throws -> (run: PlanRun, created: Bool) {
        try await locked { [self] in
            if let existing = try read(PlanRun.self, at: planURL(run.id)) { return (existing, false) }
            guard !run.tasks.isEmpty else { throw StoreError(.invalidRecord, "plan run \(run.id) has no tasks") }
            var stored = run
            stored.createdAt = Timestamp.roundedToMilliseconds(now)
            stored.updatedAt = stored.createdAt
            stored.version = 1
            try write(stored, to: planURL(run.id))
            try appendChange(.planRun(stored))
            return (stored, true)
        }
    }

    /// Replaces a plan run whose stored version is `expectedVersion`.
    /// - Parameters:
    ///   - run: The new version.
    ///   - expectedVersion: The version the caller read.
    /// - Returns: The run as stored.
    /// - Throws: ``StoreError`` with `versionConflict`, `planRunNotFound` or `invalidRecord`.
    public func replacePlanRun(_ run: PlanRun, expectedVersion: UInt64) async throws -> PlanRun {
        try await locked { [self] in
            guard let current = try read(PlanRun.self, at: planURL(run.id)) else {
                throw StoreError(.planRunNotFound, "no plan run with id \(run.id)")
            }
            guard current.version == expectedVersion else {
                throw StoreError(
                    .versionConflict, "plan run \(run.id) is at version \(current.version), not \(expectedVersion)")
            }
            guard current.plan == run.plan, current.businessDate == run.businessDate, !run.tasks.isEmpty else {
                throw StoreError(
                    .invalidRecord, "plan run \(run.id): the plan and business date of a run cannot change")
            }
            var stored = run
            stored.createdAt = current.createdAt
            stored.updatedAt = Timestamp.roundedToMilliseconds(now)
            stored.version = expectedVersion + 1
            try write(stored, to: planURL(run.id))
            try appendChange(.planRun(stored))
            return stored
        }
    }

    /// One plan run.
    /// - Parameter id: Its id.
    /// - Returns: The run, if any.
    /// - Throws: ``StoreError`` when the file cannot be read.
    public func planRun(id: String) async throws -> PlanRun? {
        try await locked { [self] in try read(PlanRun.self, at: planURL(id)) }
    }

    /// Plan runs, newest first.
    /// - Parameters:
    ///   - plan: Only this plan's.
    ///   - statuses: Only these statuses.
    ///   - limit: The most to return.
    /// - Returns: The runs.
    /// - Throws: ``StoreError`` when the files cannot be read.
    public func planRuns(plan: String?, statuses: Set<PlanRunStatus>?, limit: Int) async throws -> [PlanRun] {
        try await locked { [self] in
            let runs = try readAll(PlanRun.self, in: "plans").filter {
                (plan == nil || $0.plan == plan) && (statuses?.contains($0.status) ?? true)
            }
            return Array(runs.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(max(0, limit)))
        }
    }

    // MARK: Approvals

    /// Writes a pending request for a run unless it has one.
    /// - Parameters:
    ///   - request: The request.
    ///   - timeout: The time to decide.
    /// - Returns: The stored request and whether this call created it.
    /// - Throws: ``StoreError`` when a file cannot be written.
    public func requestApproval(_ request: ApprovalRequest, timeout: Duration) async throws
        -> (request: ApprovalRequest, created: Bool)
    {
        try await locked { [self] in
            if let existing = try read(ApprovalRequest.self, at: approvalURL(request.runID)) {
                return (existing, false)
            }
            var stored = request
            stored.requestedAt = Timestamp.roundedToMilliseconds(now)
            stored.deadline = Timestamp.roundedToMilliseconds(now.addingTimeInterval(timeout.timeInterval))
            stored.state = .pending
            stored.decision = nil
            stored.notifiedAt = nil
            stored.version = 1
            try writeApproval(stored)
            return (stored, true)
        }
    }

    /// Decides a request with the shared rules, under the lock.
    /// - Parameters:
    ///   - runID: The run.
    ///   - verdict: Approve or reject.
    ///   - decider: Who decides.
    ///   - comment: Why.
    /// - Returns: How it went.
    /// - Throws: ``StoreError`` with `approvalNotFound`.
    public func decideApproval(runID: RunID, verdict: ApprovalVerdict, by decider: String, comment: String?)
        async throws -> ApprovalDecisionResult
    {
        try await locked { [self] in
            guard let current = try read(ApprovalRequest.self, at: approvalURL(runID)) else {
                throw StoreError(.approvalNotFound, "run \(runID) has no approval request")
            }
            var result = current.deciding(
                verdict, by: decider, comment: comment, now: Timestamp.roundedToMilliseconds(now))
            if result.request != current {
                result.request.version = current.version + 1
                try writeApproval(result.request)
            }
            return result
        }
    }

    /// Expires every pending request past its deadline.
    /// - Returns: The requests this call expired.
    /// - Throws: ``StoreError`` when the files cannot be read or written.
    public func expireApprovals() async throws -> [ApprovalRequest] {
        try await locked { [self] in
            let moment = Timestamp.roundedToMilliseconds(now)
            var expired: [ApprovalRequest] = []
            let pending = try readAll(ApprovalRequest.self, in: "approvals").filter {
                $0.state == .pending && moment >= $0.deadline
            }
            for request in pending.sorted(by: { ($0.requestedAt, $0.runID) < ($1.requestedAt, $1.runID) }) {
                var changed = request.expiring(now: moment)
                changed.version = request.version + 1
                try writeApproval(changed)
                expired.append(changed)
            }
            return expired
        }
    }

    /// Sets `notifiedAt` once; exactly one caller gets the request.
    /// - Parameter runID: The run.
    /// - Returns: The request for the one caller that set it, otherwise `nil`.
    /// - Throws: ``StoreError`` when the file cannot be read or written.
    public func markApprovalNotified(runID: RunID) async throws -> ApprovalRequest? {
        try await locked { [self] in
            guard var request = try read(ApprovalRequest.self, at: approvalURL(runID)), request.notifiedAt == nil else {
                return nil
            }
            request.notifiedAt = Timestamp.roundedToMilliseconds(now)
            request.version += 1
            try writeApproval(request)
            return request
        }
    }

    /// One request.
    /// - Parameter runID: The run.
    /// - Returns: The request, if any.
    /// - Throws: ``StoreError`` when the file cannot be read.
    public func approval(runID: RunID) async throws -> ApprovalRequest? {
        try await locked { [self] in try read(ApprovalRequest.self, at: approvalURL(runID)) }
    }

    /// Requests in some states, oldest first.
    /// - Parameters:
    ///   - states: The states wanted (`nil`: all).
    ///   - limit: The most to return.
    /// - Returns: The requests.
    /// - Throws: ``StoreError`` when the files cannot be read.
    public func approvals(in states: Set<ApprovalState>?, limit: Int) async throws -> [ApprovalRequest] {
        try await locked { [self] in
            let all = try readAll(ApprovalRequest.self, in: "approvals").filter { states?.contains($0.state) ?? true }
            return Array(all.sorted { ($0.requestedAt, $0.runID) < ($1.requestedAt, $1.runID) }.prefix(max(0, limit)))
        }
    }

    private func writeApproval(_ request: ApprovalRequest) throws {
        try write(request, to: approvalURL(request.runID))
        try appendChange(.approval(request))
    }
}
