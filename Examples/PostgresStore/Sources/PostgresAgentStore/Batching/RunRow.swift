import AgentCore
import AgentStorage
import Foundation

/// A run as a batch statement reads it: the `runs` table's columns (times as milliseconds since 1970) as one element of
/// a JSON array the statement reads with `jsonb_to_recordset`, and the whole record's JSON text beside it, in a text
/// array at the same position (see ``StatementSQL/runInput(fields:records:)``). The record stays out of the JSON array
/// so that the server checks it as JSON once, when it is stored, instead of parsing it into a tree first.
struct RunRow {
    let id: String
    let agent: String
    let key: String
    let status: String
    let queued: Int64
    let ended: Int64?
    let owner: String?
    let expires: Int64?
    let notified: Int64?
    /// The record's JSON text (for a claim, without `leaseExpiresAt`, which the claim statement appends).
    let record: String
    /// For a claim: the lease's length in milliseconds, added to the database's now.
    let lease: Int64?

    /// The row of a record.
    /// - Parameters:
    ///   - record: The record.
    ///   - lease: For a claim, the lease's length: the record's text then leaves out `leaseExpiresAt`, which the claim
    ///     statement appends from the database's clock.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` when it cannot be encoded.
    init(_ record: RunRecord, lease: Duration? = nil) throws {
        id = record.id.rawValue
        agent = record.agentName.rawValue
        key = record.idempotencyKey.rawValue
        status = record.status.rawValue
        queued = record.queuedAt.milliseconds
        ended = record.endedAt?.milliseconds
        owner = record.leaseOwner
        expires = record.leaseExpiresAt?.milliseconds
        notified = record.notifiedAt?.milliseconds
        var stored = record
        if lease != nil { stored.leaseExpiresAt = nil }
        self.record = try RunRecordJSON.text(stored)
        self.lease = lease?.wholeMilliseconds
    }

    /// The columns of an element of ``json(_:)``, with their SQL types, in the order `jsonb_to_recordset` reads them.
    static let fields: [(name: String, type: String)] = [
        ("id", "text"), ("agent", "text"), ("key", "text"), ("status", "text"), ("queued", "bigint"),
        ("ended", "bigint"), ("owner", "text"), ("expires", "bigint"), ("notified", "bigint"), ("lease", "bigint"),
    ]

    /// Whether `first` comes before `second` by agent, then idempotency key, byte by byte: the order in which the
    /// claim statement locks the ledger's rows (the `C` collation's; under another collation the server sorts them
    /// anyway).
    static func inKeyOrder(_ first: RunRow, _ second: RunRow) -> Bool {
        if first.agent != second.agent { return first.agent.utf8.lexicographicallyPrecedes(second.agent.utf8) }
        return first.key.utf8.lexicographicallyPrecedes(second.key.utf8)
    }

    /// Whether `first` comes before `second` by run id, byte by byte: the order in which the update statement locks
    /// the runs.
    static func inIDOrder(_ first: RunRow, _ second: RunRow) -> Bool {
        first.id.utf8.lexicographicallyPrecedes(second.id.utf8)
    }

    /// The JSON array of the rows' columns, without their records (see ``records(_:)``).
    /// - Parameter rows: The rows.
    /// - Returns: Its text.
    static func json(_ rows: [RunRow]) -> String {
        var text = "["
        text.reserveCapacity(rows.count * 256 + 2)
        for (index, row) in rows.enumerated() {
            if index > 0 { text += "," }
            text += "{\"id\":" + JSONValue.string(row.id).canonicalText
            text += ",\"agent\":" + JSONValue.string(row.agent).canonicalText
            text += ",\"key\":" + JSONValue.string(row.key).canonicalText
            text += ",\"status\":" + JSONValue.string(row.status).canonicalText
            text += ",\"queued\":\(row.queued)"
            if let ended = row.ended { text += ",\"ended\":\(ended)" }
            if let owner = row.owner { text += ",\"owner\":" + JSONValue.string(owner).canonicalText }
            if let expires = row.expires { text += ",\"expires\":\(expires)" }
            if let notified = row.notified { text += ",\"notified\":\(notified)" }
            if let lease = row.lease { text += ",\"lease\":\(lease)" }
            text += "}"
        }
        return text + "]"
    }

    /// The rows' records' JSON texts, in the rows' order: the text array beside ``json(_:)``.
    /// - Parameter rows: The rows.
    /// - Returns: One text per row.
    static func records(_ rows: [RunRow]) -> [String] { rows.map(\.record) }
}
