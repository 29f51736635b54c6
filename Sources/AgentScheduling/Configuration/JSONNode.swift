import AgentCore

/// A JSON value as written in a configuration file: the value, where it starts (line and column, 1-based), and
/// object members in the order they were written.
///
/// The configuration is read with this rather than `JSONDecoder` so that every problem can name its line, a
/// repeated key is an error rather than silently ignored, and trailing commas are rejected as in strict JSON.
package struct JSONNode: Sendable, Equatable {
    /// The value of a node.
    package enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        case integer(Int64)
        case double(Double)
        case string(String)
        case array([JSONNode])
        case object([Member])
    }

    /// One member of an object, with where its key was written.
    package struct Member: Sendable, Equatable {
        package var key: String
        package var keyLine: Int
        package var keyColumn: Int
        package var node: JSONNode
    }

    package var value: Value
    /// The line the value starts on (1-based).
    package var line: Int
    /// The column the value starts at (1-based, in characters).
    package var column: Int

    /// What kind of value this is, for messages: `a string`, `a number`, `an object`, ….
    package var kindDescription: String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value as AgentCore's ``JSONValue`` (positions dropped; a repeated key cannot occur, the parser
    /// rejects it).
    package var jsonValue: JSONValue {
        switch value {
        case .null: .null
        case .bool(let value): .bool(value)
        case .integer(let value): .integer(value)
        case .double(let value): .double(value)
        case .string(let value): .string(value)
        case .array(let elements): .array(elements.map(\.jsonValue))
        case .object(let members):
            .object(Dictionary(members.map { ($0.key, $0.node.jsonValue) }, uniquingKeysWith: { _, last in last }))
        }
    }
}
