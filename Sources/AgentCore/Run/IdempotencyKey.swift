import Foundation

/// The key that makes re-running safe: two requests with the same key never both succeed.
///
/// Callers may supply their own key (any text of 1–256 characters without control characters).
/// Otherwise ``derive(agent:parameters:businessDate:nominalFireTime:)`` computes one as
///
/// ```
/// "v1:" + lowercase-hex( SHA-256( UTF-8(
///     "agent-runner/idempotency/v1" LF
///     agent-name LF
///     canonical-JSON(parameters) LF
///     business-date-or-empty LF
///     nominal-fire-time-or-empty ) ) )
/// ```
///
/// where the canonical JSON is ``JSONValue/canonicalText`` (sorted keys, no whitespace), the business
/// date is `YYYY-MM-DD` and the fire time is ``Timestamp/format(_:)`` (UTC, milliseconds). The function is
/// specified byte for byte, so any implementation in any language derives the same key.
public struct IdempotencyKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The longest key accepted, in characters.
    public static let maximumLength = 256

    /// The key's text.
    public let rawValue: String

    /// Wraps a caller-supplied key.
    /// - Parameter rawValue: The key text.
    /// - Throws: ``IdempotencyKeyError`` when the text is empty, too long or holds control characters.
    public init(_ rawValue: String) throws(IdempotencyKeyError) {
        guard !rawValue.isEmpty else { throw IdempotencyKeyError(reason: "an idempotency key must not be empty") }
        guard rawValue.count <= Self.maximumLength else {
            throw IdempotencyKeyError(
                reason:
                    "an idempotency key has at most \(Self.maximumLength) characters, this one has \(rawValue.count)")
        }
        guard !rawValue.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw IdempotencyKeyError(reason: "an idempotency key must not contain control characters")
        }
        self.rawValue = rawValue
    }

    private init(trusted: String) { rawValue = trusted }

    /// Derives the key of a request that did not bring one (see the type's documentation for the exact bytes).
    /// - Parameters:
    ///   - agent: The agent's name.
    ///   - parameters: The run's parameters; key order and whitespace do not matter.
    ///   - businessDate: The business date, if any.
    ///   - nominalFireTime: The nominal fire time of a scheduled run, so each fire has its own key.
    /// - Returns: `v1:` followed by 64 hexadecimal digits.
    public static func derive(
        agent: AgentName, parameters: JSONValue, businessDate: BusinessDate?, nominalFireTime: Date?
    ) -> IdempotencyKey {
        // The material is written into a buffer on the stack (no String is built) and hashed from there.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Message.capacity) { storage in
            var message = Message(storage: storage)
            message.write("agent-runner/idempotency/v1\n")
            message.write(contentsOf: agent.rawValue)
            message.write("\n")
            parameters.writeCanonicalText(into: &message)
            message.write("\n")
            if let businessDate {
                message.append(atMost: Timestamp.maximumFormattedLength) { text in
                    Timestamp.writeCivilDate(
                        year: businessDate.year, month: businessDate.month, day: businessDate.day, into: text)
                }
            }
            message.write("\n")
            if let nominalFireTime {
                message.append(atMost: Timestamp.maximumFormattedLength) { text in
                    Timestamp.writeFormatted(nominalFireTime, into: text)
                }
            }
            let text = String(unsafeUninitializedCapacity: 67) { text in
                text[0] = 0x76  // v
                text[1] = 0x31  // 1
                text[2] = 0x3A  // :
                message.finalizeHex(into: UnsafeMutableBufferPointer(rebasing: text[3..<67]))
                return 67
            }
            return IdempotencyKey(trusted: text)
        }
    }

    /// The key's text.
    public var description: String { rawValue }

    /// Decodes and validates a key.
    /// - Throws: `DecodingError.dataCorrupted` when the stored text is not a valid key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        do {
            self = try IdempotencyKey(try container.decode(String.self))
        } catch let error as IdempotencyKeyError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.reason)
        }
    }

    /// Encodes the key's text.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A caller-supplied idempotency key that cannot be used.
public struct IdempotencyKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the key was rejected.
    public let reason: String
    /// The reason.
    public var description: String { reason }
}

extension IdempotencyKey {
    /// The material of a derived key, gathered in a buffer on the stack and handed to the hasher whenever the
    /// buffer is full, so that writing a byte costs a store and the common short message is hashed in one call.
    private struct Message: JSONValue.CanonicalTextOutput {
        /// The size of the buffer: a name, small parameters, a date and a time fit with room to spare.
        static let capacity = 256

        private var hasher = SHA256()
        private let storage: UnsafeMutableBufferPointer<UInt8>
        private var count = 0

        /// Starts an empty message.
        /// - Parameter storage: The buffer, at least ``Timestamp/maximumFormattedLength`` bytes.
        init(storage: UnsafeMutableBufferPointer<UInt8>) {
            self.storage = storage
        }

        /// Appends bytes.
        /// - Parameter bytes: The next bytes of the material.
        @inline(__always)
        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count <= storage.count - count else { return spill(bytes) }
            UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: storage[count..<(count + bytes.count)]))
                .copyMemory(from: bytes)
            count += bytes.count
        }

        /// Appends the UTF-8 bytes of a literal.
        /// - Parameter text: Such as `"\n"`.
        @inline(__always)
        mutating func write(_ text: StaticString) {
            text.withUTF8Buffer { update(UnsafeRawBufferPointer($0)) }
        }

        /// Appends the UTF-8 bytes of a string.
        /// - Parameter text: Any string.
        mutating func write(contentsOf text: String) {
            var text = text
            text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
        }

        /// Lets `write` put up to `limit` bytes at the end of the message.
        /// - Parameters:
        ///   - limit: The most bytes `write` may put, at most the buffer's size.
        ///   - write: Writes into the space it is given and returns how many bytes it wrote.
        mutating func append(atMost limit: Int, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
            if limit > storage.count - count { flush() }
            let written = write(UnsafeMutableBufferPointer(rebasing: storage[count..<(count + limit)]))
            precondition(written <= limit, "wrote past the space it was given")
            count += written
        }

        /// Hashes the whole material and writes the digest as 64 lower-case hexadecimal digits.
        /// - Parameter text: At least 64 bytes.
        consuming func finalizeHex(into text: UnsafeMutableBufferPointer<UInt8>) {
            flush()
            hasher.finalizeHex(into: text)
        }

        /// Hands the buffered bytes to the hasher, then appends `bytes` (or hands them over too when they do not
        /// fit in the empty buffer).
        private mutating func spill(_ bytes: UnsafeRawBufferPointer) {
            flush()
            if bytes.count <= storage.count { update(bytes) } else { hasher.update(bytes) }
        }

        private mutating func flush() {
            hasher.update(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: storage[0..<count])))
            count = 0
        }
    }
}
