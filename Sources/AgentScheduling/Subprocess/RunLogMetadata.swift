import AgentCore
import Foundation

/// The content of a run's `metadata.json`: the run record (its fields at the top level, as in the store),
/// the process report under `process`, and whether the record is the final one.
///
/// The agent writes the file when the command starts and again when it ends (`recordIsFinal: false`: the
/// agent's view, before the orchestrator recorded the run); ``RunLogDirectory/writeMetadata(_:redacting:)``
/// replaces it with the terminal record from the store (`recordIsFinal: true`).
///
/// ```sh
/// jq '{status, errorMessage, exit: .process.exitStatus}' logs/docs/01J…/metadata.json
/// ```
public struct RunLogMetadata: Sendable, Hashable, Codable {
    /// The run record.
    public var record: RunRecord
    /// What happened to the process.
    public var process: SubprocessReport?
    /// Whether ``record`` is the terminal record written by the orchestrator.
    public var recordIsFinal: Bool

    /// Creates the content of a metadata file.
    /// - Parameters:
    ///   - record: The run record.
    ///   - process: The process report.
    ///   - recordIsFinal: Whether the record is terminal and stored.
    public init(record: RunRecord, process: SubprocessReport?, recordIsFinal: Bool) {
        self.record = record
        self.process = process
        self.recordIsFinal = recordIsFinal
    }

    private enum CodingKeys: String, CodingKey {
        case process, recordIsFinal
    }

    /// Decodes the record from the top-level fields and the rest from their keys.
    /// - Throws: `DecodingError` naming the bad field.
    public init(from decoder: any Decoder) throws {
        record = try RunRecord(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        process = try container.decodeIfPresent(SubprocessReport.self, forKey: .process)
        recordIsFinal = try container.decodeIfPresent(Bool.self, forKey: .recordIsFinal) ?? false
    }

    /// Encodes the record's fields at the top level, then `process` and `recordIsFinal`.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(process, forKey: .process)
        try container.encode(recordIsFinal, forKey: .recordIsFinal)
    }
}
