import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes
import Hummingbird

/// The filters of `GET /agents/runs` and `GET /agents/runs.csv`, checked: `agentName`, `status` (comma-separated),
/// `since`, `until` (ISO-8601), `limit` and `cursor`.
struct RunListQuery {
    /// The largest page of the JSON list.
    static let maximumJSONLimit = 1000

    var query: RunQuery

    /// Reads and checks the query parameters.
    /// - Parameters:
    ///   - parameters: The request's query parameters.
    ///   - defaultLimit: The page size when `limit` is absent.
    ///   - maximumLimit: The largest page allowed.
    /// - Throws: ``APIError`` 400 naming the parameter at fault.
    init(_ parameters: Parameters, defaultLimit: Int, maximumLimit: Int) throws(APIError) {
        try parameters.requireOnly(["agentName", "status", "since", "until", "limit", "cursor"])
        var query = RunQuery(limit: try parameters.limit(default: defaultLimit, maximum: maximumLimit))
        if let text = parameters.get("agentName") {
            query.agent = try RunnerGateway.agentName(text, field: "agentName")
        }
        if let text = parameters.get("status") {
            query.statuses = try CommaSeparatedValues.parse(text, field: "status", kind: "a run status")
        }
        query.queuedSince = try Self.date(parameters, "since")
        query.queuedBefore = try Self.date(parameters, "until")
        if let since = query.queuedSince, let until = query.queuedBefore, since > until {
            throw APIError.invalid("until", "until is before since; give a range that runs forward")
        }
        if let text = parameters.get("cursor") {
            // The store checks the cursor (its format is the store's); a foreign one is answered 400.
            query.cursor = RunCursor(token: text)
        }
        self.query = query
    }

    private static func date(_ parameters: Parameters, _ name: String) throws(APIError) -> Date? {
        guard let text = parameters.get(name) else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw APIError.invalid(name, "\"\(text)\" is not an ISO-8601 time; write for example 2026-01-31T09:00:00Z")
        }
        return date
    }
}
