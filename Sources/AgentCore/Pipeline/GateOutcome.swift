import Foundation

/// What a stage's gate says about the stage's artifacts.
public enum GateOutcome: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The artifacts may go on.
    case passed
    /// They may not: one final failure of the stage.
    case failed
    /// The gate cannot tell: the candidate pauses for a decision, without counting a failure.
    case inconclusive

    /// The raw value.
    public var description: String { rawValue }
}
