import AgentCore
import Foundation

/// A change (or a catch-up) the writer performs under the store lock, in a batch with others.
enum StoreOperation: Sendable {
    case claim(RunClaim)
    case insert(RunRecord)
    case insertMany([RunRecord])
    case update(RunRecord)
    case renewRunLease(id: RunID, owner: String, duration: Duration)
    case abandonExpiredRuns
    case acquireLease(name: String, owner: String, duration: Duration)
    case renewLease(Lease, duration: Duration)
    case releaseLease(Lease)
    case saveSchedule(ScheduleState)
    case removeSchedule(AgentName)
    /// Reads, changes and writes one agent's state (the closure runs on the writer queue, under the lock).
    case updateSchedule(AgentName, ScheduleChange)
    case markNotified(RunID)
    case submitRequest(ControlRequest)
    case takeRequest(id: String, owner: String)
    case completeRequest(id: String, owner: String, runID: RunID?, runStatus: RunStatus?, outcome: String)
    case heartbeat(RunnerPresence, timeToLive: Duration)
    case removePresence(id: String)
    case createPlanRun(PlanRun)
    case replacePlanRun(PlanRun, expectedVersion: UInt64)
    case requestApproval(ApprovalRequest, timeout: Duration)
    case decideApproval(runID: RunID, verdict: ApprovalVerdict, by: String, comment: String?)
    case expireApprovals
    case markApprovalNotified(RunID)
    case submitCandidate(Candidate)
    case startStageRun(candidateID: String, stage: Int, runID: RunID)
    case replaceCandidate(Candidate, expectedVersion: UInt64)
    case resumeCandidate(id: String, by: String)
    case promote(Promotion)
    /// Nothing to write: the batch's catch-up is all the caller wants.
    case synchronize
}

/// What an operation answers.
enum OperationOutcome: Sendable {
    case done
    case claim(RunClaimOutcome)
    case record(RunRecord)
    case records([RunRecord])
    case lease(Lease?)
    case optionalRecord(RunRecord?)
    case schedule(ScheduleState)
    case request(ControlRequest?)
    case presence(RunnerPresence)
    case planRun(PlanRun, created: Bool)
    case approvalRequest(ApprovalRequest?, created: Bool)
    case approvalDecision(ApprovalDecisionResult)
    case approvals([ApprovalRequest])
    case candidate(Candidate, created: Bool)
    case stageRunStart(StageRunStart)
    case promotion(Promotion, created: Bool, candidate: Candidate)
}

/// The journal bytes a batch appends, where they will land, and how to undo the batch in memory if
/// they cannot be written.
struct Batch {
    /// The bytes to append.
    var writer = JSONByteWriter(capacity: 1 << 16)
    /// Where they will be written.
    let base: Int64
    /// The journal's segment number.
    let segment: UInt16
    /// How many lines the bytes hold.
    var lines = 0
    /// How to put memory back as it was.
    var undo = Undo()
    /// The change-feed entries of the batch's lines, in line order; they join the feed once the lines are
    /// durable.
    var changes: [StoreChange.Kind] = []

    /// The in-memory changes of a batch, to revert when its write fails.
    struct Undo {
        /// Slots the batch added.
        var inserted: Set<Int32> = []
        /// Slots the batch changed, with their values before the batch (first change only).
        var changed: [(slot: Int32, previous: RunSlot, active: RunRecord?)] = []
        /// The slots in ``changed``.
        var changedSlots: Set<Int32> = []
        /// Leases, fencing and schedules before the batch, saved on their first change.
        var leases: LeaseTable?
        var fencing: [String: UInt64]?
        var schedules: [AgentName: ScheduleState]?
        /// Requests and presences before the batch, saved on their first change.
        var requests: RequestTable?
        var presences: PresenceTable?
        /// Plan runs and approvals before the batch, saved on their first change.
        var workflows: WorkflowTable?
        /// Candidates and promotions before the batch, saved on their first change.
        var candidates: CandidateTable?
    }

    /// Appends an entry.
    /// - Returns: For a run entry, where its record object will lie.
    /// - Throws: ``StoreError`` with `invalidRecord`; nothing is appended then.
    mutating func append(_ entry: JournalEntry) throws(StoreError) -> RecordLocation? {
        let before = writer.count
        do {
            let range = try entry.encode(into: &writer)
            lines += 1
            return range.map {
                RecordLocation(segment: segment, offset: base + Int64($0.lowerBound), length: UInt32($0.count))
            }
        } catch {
            writer.bytes.removeSubrange(before...)
            throw error
        }
    }
}
