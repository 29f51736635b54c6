import AgentCore
import Foundation

/// Run records as CSV (RFC 4180): a header row, one row per run, fields quoted when they hold a comma,
/// a double quote, a carriage return or a line feed (a double quote doubled inside), rows ended by CRLF.
///
/// Works with records from any ``RunStore``; ``JSONFileAgentStore/exportCSV(_:)`` pages through a query.
public enum RunCSVFormat {
    /// The columns, in order.
    public static let columns = [
        "id", "agent", "status", "trigger", "attempt", "queuedAt", "startedAt", "endedAt", "durationMs",
        "idempotencyKey", "correlationID", "businessDate", "errorClass", "errorMessage", "summary", "leaseOwner",
        "leaseExpiresAt", "notifiedAt", "outputsURI", "parameters",
    ]

    /// The header row with its CRLF.
    public static var header: String { row(columns) }

    /// One record's row with its CRLF. Timestamps are ISO-8601 UTC with milliseconds; parameters are
    /// canonical JSON.
    /// - Parameter record: The record.
    /// - Returns: The row.
    public static func row(_ record: RunRecord) -> String {
        row([
            record.id.rawValue, record.agentName.rawValue, record.status.rawValue, record.trigger.description,
            String(record.attempt), Timestamp.format(record.queuedAt), record.startedAt.map(Timestamp.format) ?? "",
            record.endedAt.map(Timestamp.format) ?? "",
            record.duration.map {
                String($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)
            }
                ?? "",
            record.idempotencyKey.rawValue, record.correlationID, record.businessDate?.description ?? "",
            record.errorClass?.rawValue ?? "", record.errorMessage ?? "", record.summary ?? "",
            record.leaseOwner ?? "", record.leaseExpiresAt.map(Timestamp.format) ?? "",
            record.notifiedAt.map(Timestamp.format) ?? "", record.outputsURI ?? "", record.parameters.canonicalText,
        ])
    }

    /// A header row and one row per record.
    /// - Parameter records: The records.
    /// - Returns: The CSV text.
    public static func document(_ records: [RunRecord]) -> String {
        var text = header
        for record in records { text += row(record) }
        return text
    }

    /// Quotes a field when RFC 4180 requires it.
    /// - Parameter field: The raw value.
    /// - Returns: The field as it appears in a row.
    public static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func row(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }
}

extension JSONFileAgentStore {
    /// One page of a CSV export.
    public struct CSVPage: Sendable, Hashable {
        /// The header row and the page's rows (``RunCSVFormat``).
        public var text: String
        /// How many runs the page holds.
        public var rowCount: Int
        /// Where the next page starts, or `nil` after the last one.
        public var nextCursor: RunCursor?
    }

    /// Exports one page of a query as CSV: a header row and up to `query.limit` rows (at most
    /// ``RunQuery/maximumLimit``, 10,000), newest first. Pass ``CSVPage/nextCursor`` back in the query's
    /// cursor for the next page; each page repeats the header.
    /// - Parameter query: Filters, page size and cursor.
    /// - Returns: The CSV text and the next cursor.
    /// - Throws: ``StoreError`` with `invalidQuery` or `invalidCursor`.
    public func exportCSV(_ query: RunQuery) async throws -> CSVPage {
        let page = try await queryRuns(query)
        return CSVPage(
            text: RunCSVFormat.document(page.records), rowCount: page.records.count, nextCursor: page.nextCursor)
    }
}
