import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes
import Hummingbird

/// An error the API answers with `{"error": {"code", "message", "field"}}` and a 4xx status (a 5xx only for a
/// fault of the server itself).
public struct APIError: Error, Sendable, HTTPResponseError {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable machine-readable code, such as `invalidParameter` or `unknownAgent`.
    public var code: String
    /// What is wrong and how to fix it.
    public var message: String
    /// The parameter, header or body field at fault, if one is.
    public var field: String?
    /// Extra response headers (`WWW-Authenticate` on a 401).
    public var headers: HTTPFields

    /// Creates an error.
    /// - Parameters:
    ///   - status: The HTTP status.
    ///   - code: A stable machine-readable code.
    ///   - message: What is wrong and how to fix it.
    ///   - field: The parameter or field at fault.
    ///   - headers: Extra response headers.
    public init(
        _ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    /// A 400 for a bad query parameter, header or body field.
    /// - Parameters:
    ///   - field: Where.
    ///   - message: What is wrong and how to fix it.
    /// - Returns: The error.
    public static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalidParameter", message, field: field)
    }

    /// A 404 for something that does not exist.
    /// - Parameters:
    ///   - code: What kind of thing (`unknownAgent`, `runNotFound`, …).
    ///   - message: What was looked for.
    ///   - field: The parameter that named it.
    /// - Returns: The error.
    public static func notFound(_ code: String, _ message: String, field: String? = nil) -> APIError {
        APIError(.notFound, code: code, message, field: field)
    }

    /// The error as JSON.
    public var body: [UInt8] {
        var error: [String: String] = ["code": code, "message": message]
        if let field { error["field"] = field }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(["error": error])) ?? Data(#"{"error":{"code":"internal"}}"#.utf8))
    }

    /// The HTTP response.
    /// - Parameters:
    ///   - request: The request.
    ///   - context: Its context.
    /// - Returns: The JSON error response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
