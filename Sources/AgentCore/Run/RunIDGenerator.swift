import Foundation
import Synchronization

/// Creates ``RunID`` values that are unique and strictly increasing for this generator.
///
/// Time comes from the caller (normally the injected clock) and randomness from an injected source, so
/// tests can make identifiers deterministic with a seeded generator.
public final class RunIDGenerator: Sendable {
    private struct State {
        var lastMilliseconds: UInt64 = 0
        var high: UInt16 = 0
        var low: UInt64 = 0
        var random: any RandomNumberGenerator & Sendable
    }

    private let state: Mutex<State>

    /// Creates a generator.
    /// - Parameter random: The source of the random part; defaults to the system's secure generator.
    public init(random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        state = Mutex(State(random: random))
    }

    /// Returns a new identifier for a run created at `date`.
    ///
    /// Within one millisecond (or if the given time goes backwards) the random part is incremented, so
    /// identifiers from one generator never repeat and always increase.
    /// - Parameter date: The creation time to encode.
    /// - Returns: A fresh identifier.
    public func next(at date: Date) -> RunID {
        state.withLock { state in
            let millisecondsSinceEpoch = max(0, min(Timestamp.milliseconds(date), (1 << 48) - 1))
            let milliseconds = UInt64(millisecondsSinceEpoch)
            if milliseconds > state.lastMilliseconds {
                state.lastMilliseconds = milliseconds
                state.high = UInt16.random(in: 0...UInt16.max, using: &state.random) & 0x7FFF
                state.low = UInt64.random(in: 0...UInt64.max, using: &state.random)
            } else {
                let (low, overflow) = state.low.addingReportingOverflow(1)
                state.low = low
                if overflow {
                    if state.high == UInt16.max {
                        state.lastMilliseconds += 1
                        state.high = 0
                    } else {
                        state.high += 1
                    }
                }
            }
            return RunID(milliseconds: state.lastMilliseconds, random: (state.high, state.low))
        }
    }
}
