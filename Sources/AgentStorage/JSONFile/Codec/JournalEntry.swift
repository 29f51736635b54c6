import AgentCore
import Foundation

/// One change, as one line of the journal (and of the snapshot, which is the same format).
///
/// ```
/// {"op":"run","run":{…the run record…}}
/// {"op":"runsRemoved","ids":["01J…","01J…"],"reason":"retention"}
/// {"op":"lease","lease":{"name":"scheduler","owner":"host-1","expiresAt":"…","fencingToken":7}}
/// {"op":"leaseReleased","name":"scheduler","fencingToken":7}
/// {"op":"schedule","schedule":{…the schedule state…}}
/// {"op":"scheduleRemoved","agent":"nightly-report"}
/// {"op":"request","request":{…the control request…}}
/// {"op":"presence","presence":{…the runner presence…}}
/// {"op":"presenceRemoved","id":"host-1-4242"}
/// {"op":"planRun","planRun":{…the plan run…}}
/// {"op":"approval","approval":{…the approval request…}}
/// {"op":"candidate","candidate":{…the pipeline candidate…}}
/// {"op":"promotion","promotion":{…the promotion…}}
/// ```
enum JournalEntry: Sendable, Hashable {
    /// A run record was inserted or replaced (the whole record).
    case run(RunRecord)
    /// Runs were removed by retention.
    case runsRemoved([RunID])
    /// A named lease was acquired or renewed.
    case lease(Lease)
    /// A named lease was released; the token keeps fencing monotonic.
    case leaseReleased(name: String, fencingToken: UInt64)
    /// A schedule state was saved.
    case schedule(ScheduleState)
    /// A schedule state was removed.
    case scheduleRemoved(AgentName)
    /// A control request was submitted, taken or completed (the whole request).
    case request(ControlRequest)
    /// A runner's presence was written (the whole presence).
    case presence(RunnerPresence)
    /// A runner's presence was removed.
    case presenceRemoved(id: String)
    /// A plan run was created or replaced (the whole run).
    case planRun(PlanRun)
    /// An approval request was written, decided or expired (the whole request).
    case approval(ApprovalRequest)
    /// A pipeline candidate was written (the whole candidate).
    case candidate(Candidate)
    /// A promotion was recorded; the candidate line that moves the candidate follows it in the same append.
    case promotion(Promotion)

    /// The text before a run record on a `run` line; a record's object starts right after it.
    static let runLinePrefix: StaticString = "{\"op\":\"run\",\"run\":"

    /// Appends the entry as one line (with its line feed).
    /// - Returns: For `run` entries, where the record object starts and ends in `writer`.
    /// - Throws: ``StoreError`` with `invalidRecord` when the record cannot be written.
    @discardableResult
    func encode(into writer: inout JSONByteWriter) throws(StoreError) -> Range<Int>? {
        var objectRange: Range<Int>?
        switch self {
        case .run(let record):
            writer.raw(Self.runLinePrefix)
            let start = writer.count
            try RunRecordCodec.encode(record, into: &writer)
            objectRange = start..<writer.count
            writer.byte(0x7D)
        case .runsRemoved(let ids):
            writer.raw("{\"op\":\"runsRemoved\",\"ids\":[")
            for (index, id) in ids.enumerated() {
                if index > 0 { writer.byte(0x2C) }
                writer.string(id.rawValue)
            }
            writer.raw("],\"reason\":\"retention\"}")
        case .lease(let lease):
            writer.raw("{\"op\":\"lease\",\"lease\":{\"name\":")
            writer.string(lease.name)
            writer.nextKey("owner")
            writer.string(lease.owner)
            writer.nextKey("expiresAt")
            writer.timestamp(lease.expiresAt)
            writer.nextKey("fencingToken")
            writer.integer(lease.fencingToken)
            writer.raw("}}")
        case .leaseReleased(let name, let token):
            writer.raw("{\"op\":\"leaseReleased\",\"name\":")
            writer.string(name)
            writer.nextKey("fencingToken")
            writer.integer(token)
            writer.byte(0x7D)
        case .schedule(let state):
            writer.raw("{\"op\":\"schedule\",\"schedule\":{\"agent\":")
            writer.string(state.agentName.rawValue)
            if let next = state.nextFireAt {
                writer.nextKey("nextFireAt")
                writer.timestamp(next)
            }
            if let last = state.lastFireAt {
                writer.nextKey("lastFireAt")
                writer.timestamp(last)
            }
            writer.nextKey("isPaused")
            state.isPaused ? writer.raw("true") : writer.raw("false")
            if let reason = state.pausedReason {
                writer.nextKey("pausedReason")
                writer.string(reason)
            }
            writer.nextKey("consecutiveFailures")
            writer.integer(state.consecutiveFailures)
            if let override = state.scheduleOverride {
                writer.nextKey("scheduleOverride")
                try ControlRecordCodec.encode(override, into: &writer)
            }
            writer.nextKey("version")
            writer.integer(state.version)
            writer.raw("}}")
        case .scheduleRemoved(let agent):
            writer.raw("{\"op\":\"scheduleRemoved\",\"agent\":")
            writer.string(agent.rawValue)
            writer.byte(0x7D)
        case .request(let request):
            writer.raw("{\"op\":\"request\",\"request\":")
            try ControlRecordCodec.encode(request, into: &writer)
            writer.byte(0x7D)
        case .presence(let presence):
            writer.raw("{\"op\":\"presence\",\"presence\":")
            try ControlRecordCodec.encode(presence, into: &writer)
            writer.byte(0x7D)
        case .presenceRemoved(let id):
            writer.raw("{\"op\":\"presenceRemoved\",\"id\":")
            writer.string(id)
            writer.byte(0x7D)
        case .planRun(let run):
            writer.raw("{\"op\":\"planRun\",\"planRun\":")
            try ControlRecordCodec.encode(run, into: &writer)
            writer.byte(0x7D)
        case .approval(let request):
            writer.raw("{\"op\":\"approval\",\"approval\":")
            try ControlRecordCodec.encode(request, into: &writer)
            writer.byte(0x7D)
        case .candidate(let candidate):
            writer.raw("{\"op\":\"candidate\",\"candidate\":")
            try ControlRecordCodec.encode(candidate, into: &writer)
            writer.byte(0x7D)
        case .promotion(let promotion):
            writer.raw("{\"op\":\"promotion\",\"promotion\":")
            try ControlRecordCodec.encode(promotion, into: &writer)
            writer.byte(0x7D)
        }
        writer.byte(0x0A)
        return objectRange
    }
}

/// A journal or snapshot line as read back: runs as index summaries (plus the whole record when the
/// reader asked for it), everything else whole.
enum ParsedEntry: Sendable {
    /// A run record; `object` is where its JSON object lies within the line. The whole record is boxed
    /// so that the entries of a million lines stay small to move around.
    case run(RunSummary, object: Range<Int>, record: DecodedRecord?)
    /// Runs removed by retention.
    case runsRemoved([RunID])
    /// A lease acquired or renewed.
    case lease(Lease)
    /// A lease released.
    case leaseReleased(name: String, fencingToken: UInt64)
    /// A schedule state saved; `versioned` is `false` for a line written before states had a version (the
    /// reader then counts the version itself).
    case schedule(ScheduleState, versioned: Bool)
    /// A schedule state removed.
    case scheduleRemoved(AgentName)
    /// A control request written.
    case request(ControlRequest)
    /// A runner presence written.
    case presence(RunnerPresence)
    /// A runner presence removed.
    case presenceRemoved(id: String)
    /// A plan run written.
    case planRun(PlanRun)
    /// An approval request written.
    case approval(ApprovalRequest)
    /// A pipeline candidate written.
    case candidate(Candidate)
    /// A promotion recorded.
    case promotion(Promotion)

    /// Parses one line (without its line feed).
    /// - Parameters:
    ///   - line: The line's bytes.
    ///   - decodeRecord: Whether to build the whole record of a run line: always, never, or only when the
    ///     run is not terminal (what opening the store needs).
    /// - Throws: ``JSONScanError`` describing the first problem.
    static func parse(_ line: UnsafeBufferPointer<UInt8>, decodeRecord: RecordDecoding) throws(JSONScanError)
        -> ParsedEntry
    {
        var scanner = JSONScanner(line)
        try scanner.beginObject()
        var op: String?
        var entry: ParsedEntry?
        var name: String?
        var token: UInt64?
        var agent: String?
        var ids: [RunID]?
        var id: String?
        var first = true
        while let key = try scanner.nextKey(&first) {
            if scanner.key(key, is: "op") {
                op = try scanner.string()
            } else if scanner.key(key, is: "run") {
                scanner.skipWhitespace()
                let start = scanner.position
                let summary = try RunRecordCodec.summary(&scanner)
                let range = start..<scanner.position
                var record: DecodedRecord?
                if decodeRecord == .always || (decodeRecord == .whenActive && !summary.status.isTerminal) {
                    var full = JSONScanner(line, position: start)
                    record = DecodedRecord(try RunRecordCodec.decode(&full))
                }
                entry = .run(summary, object: range, record: record)
            } else if scanner.key(key, is: "ids") {
                var list: [RunID] = []
                try scanner.beginArray()
                var firstID = true
                while try scanner.nextElement(&firstID) {
                    let span = try scanner.scanString()
                    guard !span.hasEscapes,
                        let id = RunID(utf8: UnsafeBufferPointer(rebasing: line[span.start..<span.end]))
                    else { throw JSONScanError(offset: span.start, message: "not a run id") }
                    list.append(id)
                }
                ids = list
            } else if scanner.key(key, is: "lease") {
                entry = .lease(try parseLease(&scanner))
            } else if scanner.key(key, is: "schedule") {
                let (state, versioned) = try parseSchedule(&scanner)
                entry = .schedule(state, versioned: versioned)
            } else if scanner.key(key, is: "request") {
                entry = .request(try ControlRecordCodec.decode(ControlRequest.self, from: &scanner))
            } else if scanner.key(key, is: "presence") {
                entry = .presence(try ControlRecordCodec.decode(RunnerPresence.self, from: &scanner))
            } else if scanner.key(key, is: "planRun") {
                entry = .planRun(try ControlRecordCodec.decode(PlanRun.self, from: &scanner))
            } else if scanner.key(key, is: "approval") {
                entry = .approval(try ControlRecordCodec.decode(ApprovalRequest.self, from: &scanner))
            } else if scanner.key(key, is: "candidate") {
                entry = .candidate(try ControlRecordCodec.decode(Candidate.self, from: &scanner))
            } else if scanner.key(key, is: "promotion") {
                entry = .promotion(try ControlRecordCodec.decode(Promotion.self, from: &scanner))
            } else if scanner.key(key, is: "id") {
                id = try scanner.string()
            } else if scanner.key(key, is: "name") {
                name = try scanner.string()
            } else if scanner.key(key, is: "fencingToken") {
                token = try scanner.uint64()
            } else if scanner.key(key, is: "agent") {
                agent = try scanner.string()
            } else {
                try scanner.skipValue()
            }
        }
        guard scanner.isAtEnd else { throw scanner.failure("unexpected text after the entry") }
        switch op {
        case "run":
            if let entry, case .run = entry { return entry }
        case "lease":
            if let entry, case .lease = entry { return entry }
        case "schedule":
            if let entry, case .schedule = entry { return entry }
        case "request":
            if let entry, case .request = entry { return entry }
        case "presence":
            if let entry, case .presence = entry { return entry }
        case "planRun":
            if let entry, case .planRun = entry { return entry }
        case "approval":
            if let entry, case .approval = entry { return entry }
        case "candidate":
            if let entry, case .candidate = entry { return entry }
        case "promotion":
            if let entry, case .promotion = entry { return entry }
        case "presenceRemoved":
            if let id { return .presenceRemoved(id: id) }
        case "runsRemoved":
            if let ids { return .runsRemoved(ids) }
        case "leaseReleased":
            if let name, let token { return .leaseReleased(name: name, fencingToken: token) }
        case "scheduleRemoved":
            if let agent {
                do { return .scheduleRemoved(try AgentName(agent)) } catch {
                    throw JSONScanError(offset: 0, message: error.description)
                }
            }
        case nil:
            throw JSONScanError(offset: 0, message: "the entry has no \"op\"")
        default:
            throw JSONScanError(offset: 0, message: "unknown entry \"op\":\"\(op ?? "")\"")
        }
        throw JSONScanError(offset: 0, message: "the \"\(op ?? "")\" entry lacks its payload")
    }

    /// How much of a run line to decode.
    enum RecordDecoding: Sendable {
        /// Index fields only.
        case never
        /// The whole record of queued, running and awaiting-approval runs.
        case whenActive
        /// The whole record, always.
        case always
    }

    private static func parseLease(_ scanner: inout JSONScanner) throws(JSONScanError) -> Lease {
        let start = scanner.position
        try scanner.beginObject()
        var name: String?
        var owner: String?
        var expiresAt: Date?
        var token: UInt64?
        var first = true
        while let key = try scanner.nextKey(&first) {
            if scanner.key(key, is: "name") {
                name = try scanner.string()
            } else if scanner.key(key, is: "owner") {
                owner = try scanner.string()
            } else if scanner.key(key, is: "expiresAt") {
                expiresAt = try scanner.timestamp()
            } else if scanner.key(key, is: "fencingToken") {
                token = try scanner.uint64()
            } else {
                try scanner.skipValue()
            }
        }
        guard let name, let owner, let expiresAt, let token else {
            throw JSONScanError(offset: start, message: "a lease lacks name, owner, expiresAt or fencingToken")
        }
        return Lease(name: name, owner: owner, expiresAt: expiresAt, fencingToken: token)
    }

    private static func parseSchedule(_ scanner: inout JSONScanner) throws(JSONScanError)
        -> (state: ScheduleState, versioned: Bool)
    {
        let start = scanner.position
        try scanner.beginObject()
        var agent: AgentName?
        var state = ScheduleState(agentName: "placeholder")
        var versioned = false
        var first = true
        while let key = try scanner.nextKey(&first) {
            let valueStart = scanner.position
            if scanner.key(key, is: "agent") {
                let text = try scanner.string()
                do { agent = try AgentName(text) } catch {
                    throw JSONScanError(offset: valueStart, message: error.description)
                }
            } else if scanner.key(key, is: "nextFireAt") {
                state.nextFireAt = try scanner.optionalTimestamp()
            } else if scanner.key(key, is: "lastFireAt") {
                state.lastFireAt = try scanner.optionalTimestamp()
            } else if scanner.key(key, is: "isPaused") {
                state.isPaused = scanner.consumeNull() ? false : try scanner.bool()
            } else if scanner.key(key, is: "pausedReason") {
                state.pausedReason = try scanner.optionalString()
            } else if scanner.key(key, is: "consecutiveFailures") {
                state.consecutiveFailures = scanner.consumeNull() ? 0 : Int(clamping: try scanner.int64())
            } else if scanner.key(key, is: "scheduleOverride") {
                if !scanner.consumeNull() {
                    state.scheduleOverride = try ControlRecordCodec.decode(ScheduleConfiguration.self, from: &scanner)
                }
            } else if scanner.key(key, is: "version") {
                if !scanner.consumeNull() {
                    state.version = try scanner.uint64()
                    versioned = true
                }
            } else {
                try scanner.skipValue()
            }
        }
        guard let agent else { throw JSONScanError(offset: start, message: "a schedule state lacks its agent") }
        state.agentName = agent
        return (state, versioned)
    }
}

/// A whole run record read from a line, in a box.
final class DecodedRecord: Sendable {
    /// The record.
    let record: RunRecord

    /// Boxes a record.
    init(_ record: RunRecord) { self.record = record }
}
