import Foundation

/// A JSON value: the type of run parameters and free-form metadata.
///
/// Integers are kept apart from floating-point numbers so that `2` stays `2` through a round trip
/// and large identifiers keep every digit.
public enum JSONValue: Sendable, Hashable, Codable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number without fraction or exponent that fits in 64 bits.
    case integer(Int64)
    /// Any other number.
    case double(Double)
    /// A string.
    case string(String)
    /// An ordered array.
    case array([JSONValue])
    /// An object; key order carries no meaning.
    case object([String: JSONValue])

    /// An empty object, the default parameters of a run.
    public static let emptyObject = JSONValue.object([:])

    /// Decodes any JSON value.
    /// - Throws: `DecodingError` when the input is not JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    /// Encodes the value as JSON.
    /// - Throws: Whatever the encoder throws (for example for a non-finite double).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses JSON text.
    /// - Parameter text: A JSON document (any value, not only objects).
    /// - Returns: The parsed value.
    /// - Throws: ``JSONValueError`` with the parser's explanation when the text is not valid JSON.
    public static func parse(_ text: String) throws(JSONValueError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw JSONValueError(reason: "not valid JSON: \(Self.explain(error))")
        }
    }

    private static func explain(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
                .keyNotFound(_, let context):
                if let underlying = context.underlyingError as NSError?,
                    let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
                {
                    return detail
                }
                return context.debugDescription
            @unknown default:
                return "\(decoding)"
            }
        }
        return "\(error)"
    }

    /// The value as a string when it is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The members when the value is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// Looks a member up when the value is an object.
    /// - Parameter key: The member name.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    /// Creates `.string`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// Creates `.integer`.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// Creates `.double`.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// Creates `.bool`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// Creates `.array`.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Creates `.null`.
    public init(nilLiteral: ()) { self = .null }
    /// Creates `.object`; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// Why text could not be read as a ``JSONValue``.
public struct JSONValueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the input.
    public let reason: String

    /// Creates the error.
    /// - Parameter reason: What is wrong with the input.
    public init(reason: String) { self.reason = reason }

    /// The reason.
    public var description: String { reason }
}
