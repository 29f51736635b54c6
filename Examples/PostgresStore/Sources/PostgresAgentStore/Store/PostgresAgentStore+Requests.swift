import AgentCore
import Foundation
import PostgresNIO

extension PostgresAgentStore {
    /// See ``ControlRequestStore/submitRequest(_:)``: one prepared statement writes the request and its change and
    /// announces it with the change itself, so a runner that follows the feed can take it one round trip after the
    /// commit.
    /// - Parameter request: The pending request.
    /// - Returns: The request as stored, with the database's now as ``ControlRequest/requestedAt``.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` for a used id or a request that is not pending.
    public func submitRequest(_ request: ControlRequest) async throws -> ControlRequest {
        // The checks of `submitted(at:)` (a pending request with a valid id); the statement sets `requestedAt` to the
        // database's now.
        let checked = try request.submitted(at: Date(milliseconds: 0))
        let statement = SubmitRequestStatement(
            id: checked.id, requestedBy: checked.requestedBy, body: try Self.json(checked), injectedNow: injectedNow)
        let rows = try await database.execute(statement)
        guard let (text, _) = rows.first else {
            throw StoreError(.invalidRecord, "a control request with id \(request.id) already exists; use a new id")
        }
        signal.wake()
        return try Self.request(text)
    }

    /// See ``ControlRequestStore/takeRequest(id:owner:)``: one statement takes the request only while it is pending
    /// (the row's lock decides between concurrent takers, so exactly one wins) and writes its change.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: The runner taking it.
    /// - Returns: The taken request, or `nil` when it is not pending or unknown.
    /// - Throws: ``StoreError`` when the database cannot be written.
    public func takeRequest(id: String, owner: String) async throws -> ControlRequest? {
        let rows = try await database.execute(TakeRequestStatement(id: id, owner: owner, injectedNow: injectedNow))
        guard let row = rows.first else { return nil }
        signal.wake()
        return try Self.request(row.body)
    }

    /// See ``ControlRequestStore/completeRequest(id:owner:runID:runStatus:outcome:)``.
    /// - Parameters:
    ///   - id: The request id.
    ///   - owner: The runner completing it.
    ///   - runID: The run concerned.
    ///   - runStatus: Its status.
    ///   - outcome: How it went.
    /// - Returns: The request as stored.
    /// - Throws: ``StoreError`` with ``StoreError/Code/requestNotFound`` or ``StoreError/Code/leaseNotHeld``.
    public func completeRequest(
        id: String, owner: String, runID: RunID?, runStatus: RunStatus?, outcome: String
    ) async throws -> ControlRequest {
        try await write { transaction in
            guard let current = try await lockedRequest(id, in: transaction) else {
                throw StoreError(.requestNotFound, "no control request with id \(id)")
            }
            let (completed, changed) = try current.completed(
                by: owner, runID: runID, runStatus: runStatus, outcome: outcome, at: try await now(in: transaction))
            guard changed else { return (completed, []) }
            try await store(completed, in: transaction)
            return (completed, [.request(completed)])
        }
    }

    /// See ``ControlRequestStore/request(id:)``.
    /// - Parameter id: The request id.
    /// - Returns: The request, if any.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func request(id: String) async throws -> ControlRequest? {
        let rows = try await database.rows(
            "SELECT body::text FROM \(unescaped: table("requests")) WHERE id = \(id)")
        return try decode(rows.first, as: String.self).map(Self.request)
    }

    /// See ``ControlRequestStore/requests(in:limit:)``.
    /// - Parameters:
    ///   - states: The states wanted.
    ///   - limit: The most to return.
    /// - Returns: The requests, oldest first.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func requests(in states: Set<ControlRequest.State>, limit: Int) async throws -> [ControlRequest] {
        guard limit > 0, !states.isEmpty else { return [] }
        let rows = try await database.rows(
            """
            SELECT body::text FROM \(unescaped: table("requests"))
            WHERE state = ANY(\(states.map(\.rawValue))::text[])
            ORDER BY requested_at, position LIMIT \(Int64(limit))
            """)
        return try decodeAll(rows, as: String.self).map(Self.request)
    }

    // MARK: Helpers

    /// The store's now inside a transaction: the injected clock, or the database's.
    func now(in transaction: Transaction) async throws -> Date {
        if let injectedNow { return Date(milliseconds: injectedNow) }
        let rows = try await transaction.rows("SELECT \(unescaped: table("now_ms"))(NULL)")
        return Date(milliseconds: try decode(rows.first, as: Int64.self) ?? 0)
    }

    private func lockedRequest(_ id: String, in transaction: Transaction) async throws -> ControlRequest? {
        let rows = try await transaction.rows(
            "SELECT body::text FROM \(unescaped: table("requests")) WHERE id = \(id) FOR UPDATE")
        return try decode(rows.first, as: String.self).map(Self.request)
    }

    private func store(_ request: ControlRequest, in transaction: Transaction) async throws {
        try await transaction.rows(
            """
            UPDATE \(unescaped: table("requests")) SET state = \(request.state.rawValue), taken_by = \(request.takenBy),
                completed_at = \(unescaped: table("ts"))(\(request.completedAt?.milliseconds)),
                body = \(try Self.json(request))::jsonb
            WHERE id = \(request.id)
            """)
    }

    private static func json(_ request: ControlRequest) throws -> String {
        do {
            return String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        } catch {
            throw StoreError(.invalidRecord, "control request \(request.id) cannot be encoded: \(error)")
        }
    }

    private static func request(_ text: String) throws -> ControlRequest {
        do {
            return try JSONDecoder().decode(ControlRequest.self, from: Data(text.utf8))
        } catch {
            throw StoreError(.corruptData, "a stored control request cannot be read: \(error)")
        }
    }
}
