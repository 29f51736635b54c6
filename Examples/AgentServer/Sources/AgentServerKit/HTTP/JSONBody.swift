import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes
import Hummingbird

/// Turns values into JSON responses and reads JSON request bodies.
enum JSONBody {
    /// The encoder of every response: sorted keys, slashes unescaped.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The encoder of values that hold `Date`s (approval requests): as ``encoder``, with ISO-8601 timestamps.
    static let datedEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom(Timestamp.encode)
        return encoder
    }()

    /// A JSON response of an `Encodable` value.
    static func response(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws -> Response {
        response(bytes: try encoder.encode(value), status: status, headers: headers)
    }

    /// A JSON response of a ``JSONValue``.
    static func response(
        _ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) -> Response {
        response(bytes: Data(value.canonicalText.utf8), status: status, headers: headers)
    }

    private static func response(bytes: Data, status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A record as a ``JSONValue`` (its `Codable` form).
    static func value(_ encodable: some Encodable) throws -> JSONValue {
        try JSONValue.parse(String(decoding: try encoder.encode(encodable), as: UTF8.self))
    }

    /// A value holding `Date`s as a ``JSONValue``, its timestamps in ISO-8601.
    static func datedValue(_ encodable: some Encodable) throws -> JSONValue {
        try JSONValue.parse(String(decoding: try datedEncoder.encode(encodable), as: UTF8.self))
    }

    /// Reads a JSON object body (an empty body is an empty object).
    /// - Throws: ``APIError``: 415 for another content type, 413 for a body over the limit, 400 for JSON that is
    ///   not an object.
    static func object(_ request: Request, context: ServerRequestContext) async throws -> [String: JSONValue] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(
                .contentTooLarge, code: "bodyTooLarge",
                "the request body is larger than \(context.maxUploadSize) bytes", field: "body")
        }
        guard buffer.readableBytes > 0 else { return [:] }
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/json") else {
            throw APIError(
                .unsupportedMediaType, code: "unsupportedMediaType",
                "send the body as application/json (Content-Type was \"\(type.isEmpty ? "none" : type)\")",
                field: "Content-Type")
        }
        let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
        guard let parsed = try? JSONValue.parse(text) else {
            throw APIError.invalid("body", "the body is not valid JSON")
        }
        guard case .object(let members) = parsed else {
            throw APIError.invalid("body", "the body must be a JSON object such as {\"parameters\": {}}")
        }
        return members
    }
}
