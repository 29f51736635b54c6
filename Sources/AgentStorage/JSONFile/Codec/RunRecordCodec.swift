import AgentCore
import Foundation

/// The fields of a run record that the in-memory indexes need, read without building the record.
struct RunSummary: Sendable, Hashable {
    /// The run id.
    var id: RunID
    /// The agent's name, as stored.
    var agent: String
    /// The status.
    var status: RunStatus
    /// When the run was queued, in milliseconds since the epoch.
    var queuedAt: Int64
    /// ``RunRecordCodec/keyHash(_:)`` of the idempotency key.
    var keyHash: UInt64
}

/// Writes run records as JSON in exactly the shape `RunRecord.encode(to:)` produces (so `JSONDecoder`
/// reads them), and reads that shape back, quickly.
enum RunRecordCodec {
    // MARK: Writing

    /// Appends a record as one JSON object.
    /// - Throws: ``StoreError`` with `invalidRecord` when the record cannot be stored (a parameter that is
    ///   not a finite number, or a schema version this library does not write).
    static func encode(_ record: RunRecord, into writer: inout JSONByteWriter) throws(StoreError) {
        guard record.schemaVersion >= 1, record.schemaVersion <= RunRecord.currentSchemaVersion else {
            throw StoreError(
                .invalidRecord,
                "run \(record.id) has schema version \(record.schemaVersion); this library writes version \(RunRecord.currentSchemaVersion)"
            )
        }
        writer.byte(0x7B)
        writer.key("schemaVersion")
        writer.integer(record.schemaVersion)
        writer.nextKey("id")
        writer.string(record.id.rawValue)
        writer.nextKey("agent")
        writer.string(record.agentName.rawValue)
        writer.nextKey("trigger")
        encode(record.trigger, into: &writer)
        writer.nextKey("idempotencyKey")
        writer.string(record.idempotencyKey.rawValue)
        writer.nextKey("correlationID")
        writer.string(record.correlationID)
        if let businessDate = record.businessDate {
            writer.nextKey("businessDate")
            writer.string(businessDate.description)
        }
        writer.nextKey("attempt")
        writer.integer(record.attempt)
        if let firstRunID = record.firstRunID {
            writer.nextKey("firstRunID")
            writer.string(firstRunID.rawValue)
        }
        writer.nextKey("status")
        writer.string(record.status.rawValue)
        writer.nextKey("queuedAt")
        writer.timestamp(record.queuedAt)
        if let startedAt = record.startedAt {
            writer.nextKey("startedAt")
            writer.timestamp(startedAt)
        }
        if let endedAt = record.endedAt {
            writer.nextKey("endedAt")
            writer.timestamp(endedAt)
        }
        if let startedAt = record.startedAt, let endedAt = record.endedAt {
            writer.nextKey("durationMs")
            writer.integer(Timestamp.milliseconds(endedAt) - Timestamp.milliseconds(startedAt))
        }
        writer.nextKey("parameters")
        guard writer.value(record.parameters) else {
            throw StoreError(
                .invalidRecord, "run \(record.id): its parameters hold a number JSON cannot express (infinity or NaN)")
        }
        if let summary = record.summary {
            writer.nextKey("summary")
            writer.string(summary)
        }
        if !record.counters.isEmpty {
            writer.nextKey("counters")
            writer.byte(0x7B)
            for (index, name) in record.counters.keys.sorted().enumerated() {
                if index > 0 { writer.byte(0x2C) }
                writer.string(name)
                writer.byte(0x3A)
                writer.integer(record.counters[name] ?? 0)
            }
            writer.byte(0x7D)
        }
        if !record.artifacts.isEmpty {
            writer.nextKey("artifacts")
            writer.byte(0x5B)
            for (index, artifact) in record.artifacts.enumerated() {
                if index > 0 { writer.byte(0x2C) }
                writer.byte(0x7B)
                writer.key("name")
                writer.string(artifact.name)
                writer.nextKey("uri")
                writer.string(artifact.uri)
                writer.byte(0x7D)
            }
            writer.byte(0x5D)
        }
        if !record.warnings.isEmpty {
            writer.nextKey("warnings")
            encode(record.warnings, into: &writer)
        }
        if let outputsURI = record.outputsURI {
            writer.nextKey("outputsURI")
            writer.string(outputsURI)
        }
        if let errorClass = record.errorClass {
            writer.nextKey("errorClass")
            writer.string(errorClass.rawValue)
        }
        if let errorMessage = record.errorMessage {
            writer.nextKey("errorMessage")
            writer.string(errorMessage)
        }
        if !record.logExcerpt.isEmpty {
            writer.nextKey("logExcerpt")
            encode(record.logExcerpt, into: &writer)
        }
        if let leaseOwner = record.leaseOwner {
            writer.nextKey("leaseOwner")
            writer.string(leaseOwner)
        }
        if let leaseExpiresAt = record.leaseExpiresAt {
            writer.nextKey("leaseExpiresAt")
            writer.timestamp(leaseExpiresAt)
        }
        if let notifiedAt = record.notifiedAt {
            writer.nextKey("notifiedAt")
            writer.timestamp(notifiedAt)
        }
        writer.byte(0x7D)
    }

    private static func encode(_ trigger: RunTrigger, into writer: inout JSONByteWriter) {
        writer.byte(0x7B)
        writer.key("kind")
        writer.string(trigger.kind)
        switch trigger {
        case .scheduled(let date):
            writer.nextKey("at")
            writer.timestamp(date)
        case .manual:
            break
        case .backfill(let date):
            writer.nextKey("businessDate")
            writer.string(date.description)
        case .retry(let first, let attempt):
            writer.nextKey("firstRunID")
            writer.string(first.rawValue)
            writer.nextKey("attempt")
            writer.integer(attempt)
        }
        writer.byte(0x7D)
    }

    private static func encode(_ lines: [String], into writer: inout JSONByteWriter) {
        writer.byte(0x5B)
        for (index, line) in lines.enumerated() {
            if index > 0 { writer.byte(0x2C) }
            writer.string(line)
        }
        writer.byte(0x5D)
    }

    /// The record exactly as it reads back from disk: every date rounded to the millisecond.
    static func normalized(_ record: RunRecord) -> RunRecord {
        var record = record
        record.queuedAt = Timestamp.roundedToMilliseconds(record.queuedAt)
        record.startedAt = record.startedAt.map(Timestamp.roundedToMilliseconds)
        record.endedAt = record.endedAt.map(Timestamp.roundedToMilliseconds)
        record.leaseExpiresAt = record.leaseExpiresAt.map(Timestamp.roundedToMilliseconds)
        record.notifiedAt = record.notifiedAt.map(Timestamp.roundedToMilliseconds)
        if case .scheduled(let date) = record.trigger {
            record.trigger = .scheduled(at: Timestamp.roundedToMilliseconds(date))
        }
        return record
    }

    // MARK: Hashing

    /// A stable 64-bit hash (FNV-1a) of an idempotency key's UTF-8 text, for the in-memory key index.
    static func keyHash(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { keyHash(bytes: $0) }
    }

    /// FNV-1a over raw bytes.
    @inline(__always)
    static func keyHash(bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    // MARK: Reading

    /// Reads the index fields of a record object, skipping the rest.
    static func summary(_ scanner: inout JSONScanner) throws(JSONScanError) -> RunSummary {
        try scanner.beginObject()
        var id: RunID?
        var agent: String?
        var status: RunStatus?
        var queuedAt: Int64?
        var keyHash: UInt64?
        var schemaVersion: Int64?
        var first = true
        while let key = try scanner.nextKey(&first) {
            if scanner.key(key, is: "id") {
                id = try runID(&scanner)
            } else if scanner.key(key, is: "agent") {
                agent = try scanner.string()
            } else if scanner.key(key, is: "status") {
                status = try self.status(&scanner)
            } else if scanner.key(key, is: "queuedAt") {
                queuedAt = try scanner.timestampMilliseconds()
            } else if scanner.key(key, is: "idempotencyKey") {
                let span = try scanner.scanString()
                if span.hasEscapes {
                    keyHash = self.keyHash(try scanner.string(span))
                } else {
                    keyHash = self.keyHash(bytes: UnsafeBufferPointer(rebasing: scanner.bytes[span.start..<span.end]))
                }
            } else if scanner.key(key, is: "schemaVersion") {
                schemaVersion = try scanner.int64()
            } else {
                try scanner.skipValue()
            }
        }
        try checkSchemaVersion(schemaVersion, scanner)
        guard let id, let agent, let status, let queuedAt, let keyHash else {
            let missing = [
                ("id", id == nil), ("agent", agent == nil), ("status", status == nil), ("queuedAt", queuedAt == nil),
                ("idempotencyKey", keyHash == nil),
            ].filter(\.1).map(\.0)
            throw scanner.failure("a run record lacks \(missing.joined(separator: ", "))")
        }
        return RunSummary(id: id, agent: agent, status: status, queuedAt: queuedAt, keyHash: keyHash)
    }

    private static func checkSchemaVersion(_ version: Int64?, _ scanner: JSONScanner) throws(JSONScanError) {
        guard let version else { throw scanner.failure("a run record lacks schemaVersion") }
        guard version >= 1 else { throw scanner.failure("schemaVersion \(version) is not a version") }
        guard version <= Int64(RunRecord.currentSchemaVersion) else {
            var error = scanner.failure(
                "run record schema version \(version) is newer than \(RunRecord.currentSchemaVersion), the newest this library reads"
            )
            error.unsupportedVersion = Int(clamping: version)
            throw error
        }
    }

    private static func runID(_ scanner: inout JSONScanner) throws(JSONScanError) -> RunID {
        let span = try scanner.scanString()
        guard !span.hasEscapes,
            let id = RunID(utf8: UnsafeBufferPointer(rebasing: scanner.bytes[span.start..<span.end]))
        else {
            throw JSONScanError(
                offset: span.start,
                message: "not a run id: expected 26 characters of 0-9 and A-Z without I, L, O, U")
        }
        return id
    }

    private static let statusNames: [(bytes: [UInt8], status: RunStatus)] = RunStatus.allCases.map {
        (Array($0.rawValue.utf8), $0)
    }

    private static func status(_ scanner: inout JSONScanner) throws(JSONScanError) -> RunStatus {
        let span = try scanner.scanString()
        if !span.hasEscapes {
            let text = UnsafeBufferPointer(rebasing: scanner.bytes[span.start..<span.end])
            for candidate in statusNames where candidate.bytes.elementsEqual(text) { return candidate.status }
        }
        throw JSONScanError(
            offset: span.start, message: "unknown run status \"\((try? scanner.string(span)) ?? "?")\"")
    }

    /// Reads a whole record object.
    static func decode(_ scanner: inout JSONScanner) throws(JSONScanError) -> RunRecord {
        try scanner.beginObject()
        let objectStart = scanner.position
        var schemaVersion: Int64?
        var id: RunID?
        var agent: AgentName?
        var trigger: RunTrigger?
        var key: IdempotencyKey?
        var correlationID: String?
        var businessDate: BusinessDate?
        var attempt: Int64?
        var firstRunID: RunID?
        var status: RunStatus?
        var queuedAt: Date?
        var startedAt: Date?
        var endedAt: Date?
        var parameters = JSONValue.emptyObject
        var summary: String?
        var counters: [String: Int64] = [:]
        var artifacts: [RunArtifact] = []
        var warnings: [String] = []
        var outputsURI: String?
        var errorClass: FailureClass?
        var errorMessage: String?
        var logExcerpt: [String] = []
        var leaseOwner: String?
        var leaseExpiresAt: Date?
        var notifiedAt: Date?
        var first = true
        while let name = try scanner.nextKey(&first) {
            let valueStart = scanner.position
            if scanner.key(name, is: "schemaVersion") {
                schemaVersion = try scanner.int64()
            } else if scanner.key(name, is: "id") {
                id = try runID(&scanner)
            } else if scanner.key(name, is: "agent") {
                let text = try scanner.string()
                do { agent = try AgentName(text) } catch {
                    throw JSONScanError(offset: valueStart, message: error.description)
                }
            } else if scanner.key(name, is: "trigger") {
                trigger = try decodeTrigger(&scanner)
            } else if scanner.key(name, is: "idempotencyKey") {
                let text = try scanner.string()
                do { key = try IdempotencyKey(text) } catch {
                    throw JSONScanError(offset: valueStart, message: error.description)
                }
            } else if scanner.key(name, is: "correlationID") {
                correlationID = try scanner.string()
            } else if scanner.key(name, is: "businessDate") {
                businessDate = try optionalBusinessDate(&scanner)
            } else if scanner.key(name, is: "attempt") {
                attempt = try scanner.int64()
            } else if scanner.key(name, is: "firstRunID") {
                firstRunID = scanner.consumeNull() ? nil : try runID(&scanner)
            } else if scanner.key(name, is: "status") {
                status = try self.status(&scanner)
            } else if scanner.key(name, is: "queuedAt") {
                queuedAt = try scanner.timestamp()
            } else if scanner.key(name, is: "startedAt") {
                startedAt = try scanner.optionalTimestamp()
            } else if scanner.key(name, is: "endedAt") {
                endedAt = try scanner.optionalTimestamp()
            } else if scanner.key(name, is: "parameters") {
                parameters = scanner.consumeNull() ? .emptyObject : try scanner.value()
            } else if scanner.key(name, is: "summary") {
                summary = try scanner.optionalString()
            } else if scanner.key(name, is: "counters") {
                if !scanner.consumeNull() {
                    try scanner.beginObject()
                    var firstCounter = true
                    while let counter = try scanner.nextKey(&firstCounter) {
                        counters[try scanner.string(counter)] = try scanner.int64()
                    }
                }
            } else if scanner.key(name, is: "artifacts") {
                if !scanner.consumeNull() { artifacts = try decodeArtifacts(&scanner) }
            } else if scanner.key(name, is: "warnings") {
                warnings = try stringArray(&scanner)
            } else if scanner.key(name, is: "outputsURI") {
                outputsURI = try scanner.optionalString()
            } else if scanner.key(name, is: "errorClass") {
                if !scanner.consumeNull() {
                    let text = try scanner.string()
                    guard let value = FailureClass(rawValue: text) else {
                        throw JSONScanError(offset: valueStart, message: "unknown error class \"\(text)\"")
                    }
                    errorClass = value
                }
            } else if scanner.key(name, is: "errorMessage") {
                errorMessage = try scanner.optionalString()
            } else if scanner.key(name, is: "logExcerpt") {
                logExcerpt = try stringArray(&scanner)
            } else if scanner.key(name, is: "leaseOwner") {
                leaseOwner = try scanner.optionalString()
            } else if scanner.key(name, is: "leaseExpiresAt") {
                leaseExpiresAt = try scanner.optionalTimestamp()
            } else if scanner.key(name, is: "notifiedAt") {
                notifiedAt = try scanner.optionalTimestamp()
            } else {
                try scanner.skipValue()
            }
        }
        try checkSchemaVersion(schemaVersion, scanner)
        guard let schemaVersion, let id, let agent, let trigger, let key, let correlationID, let attempt, let status,
            let queuedAt
        else {
            let missing = [
                ("id", id == nil), ("agent", agent == nil), ("trigger", trigger == nil),
                ("idempotencyKey", key == nil), ("correlationID", correlationID == nil), ("attempt", attempt == nil),
                ("status", status == nil), ("queuedAt", queuedAt == nil),
            ].filter(\.1).map(\.0)
            throw JSONScanError(
                offset: objectStart, message: "a run record lacks \(missing.joined(separator: ", "))")
        }
        let request = AgentRunRequest(
            agent: agent, trigger: trigger, parameters: parameters, correlationID: correlationID,
            businessDate: businessDate, idempotencyKey: key)
        var record = RunRecord(id: id, request: request, status: status, queuedAt: queuedAt)
        record.schemaVersion = Int(schemaVersion)
        record.businessDate = businessDate
        record.attempt = Int(clamping: attempt)
        record.firstRunID = firstRunID
        record.startedAt = startedAt
        record.endedAt = endedAt
        record.summary = summary
        record.counters = counters
        record.artifacts = artifacts
        record.warnings = warnings
        record.outputsURI = outputsURI
        record.errorClass = errorClass
        record.errorMessage = errorMessage
        record.logExcerpt = logExcerpt
        record.leaseOwner = leaseOwner
        record.leaseExpiresAt = leaseExpiresAt
        record.notifiedAt = notifiedAt
        return record
    }

    private static func optionalBusinessDate(_ scanner: inout JSONScanner) throws(JSONScanError) -> BusinessDate? {
        let start = scanner.position
        guard let text = try scanner.optionalString() else { return nil }
        do { return try BusinessDate(text) } catch { throw JSONScanError(offset: start, message: error.description) }
    }

    private static func decodeTrigger(_ scanner: inout JSONScanner) throws(JSONScanError) -> RunTrigger {
        let start = scanner.position
        try scanner.beginObject()
        var kind: String?
        var at: Date?
        var businessDate: BusinessDate?
        var firstRunID: RunID?
        var attempt: Int64?
        var first = true
        while let name = try scanner.nextKey(&first) {
            if scanner.key(name, is: "kind") {
                kind = try scanner.string()
            } else if scanner.key(name, is: "at") {
                at = try scanner.timestamp()
            } else if scanner.key(name, is: "businessDate") {
                businessDate = try optionalBusinessDate(&scanner)
            } else if scanner.key(name, is: "firstRunID") {
                firstRunID = try runID(&scanner)
            } else if scanner.key(name, is: "attempt") {
                attempt = try scanner.int64()
            } else {
                try scanner.skipValue()
            }
        }
        switch kind {
        case "scheduled":
            if let at { return .scheduled(at: at) }
        case "manual":
            return .manual
        case "backfill":
            if let businessDate { return .backfill(businessDate) }
        case "retry":
            if let firstRunID, let attempt { return .retry(of: firstRunID, attempt: Int(clamping: attempt)) }
        default:
            throw JSONScanError(
                offset: start,
                message: "unknown trigger \"\(kind ?? "")\"; expected scheduled, manual, backfill or retry")
        }
        throw JSONScanError(offset: start, message: "the \(kind ?? "") trigger lacks a field")
    }

    private static func decodeArtifacts(_ scanner: inout JSONScanner) throws(JSONScanError) -> [RunArtifact] {
        var artifacts: [RunArtifact] = []
        try scanner.beginArray()
        var first = true
        while try scanner.nextElement(&first) {
            let start = scanner.position
            try scanner.beginObject()
            var name: String?
            var uri: String?
            var firstKey = true
            while let key = try scanner.nextKey(&firstKey) {
                if scanner.key(key, is: "name") {
                    name = try scanner.string()
                } else if scanner.key(key, is: "uri") {
                    uri = try scanner.string()
                } else {
                    try scanner.skipValue()
                }
            }
            guard let name, let uri else {
                throw JSONScanError(offset: start, message: "an artifact lacks name or uri")
            }
            artifacts.append(RunArtifact(name: name, uri: uri))
        }
        return artifacts
    }

    private static func stringArray(_ scanner: inout JSONScanner) throws(JSONScanError) -> [String] {
        if scanner.consumeNull() { return [] }
        var values: [String] = []
        try scanner.beginArray()
        var first = true
        while try scanner.nextElement(&first) { values.append(try scanner.string()) }
        return values
    }
}
