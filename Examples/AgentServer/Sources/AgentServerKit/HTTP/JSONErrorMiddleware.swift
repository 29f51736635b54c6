import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Answers every error in the API's JSON shape: ``APIError`` as it is, Hummingbird's own errors (unknown route 404,
/// wrong method 405, body too large 413) with their status, and anything else as a 500 that is logged (a 500 is a
/// bug of the server).
public struct JSONErrorMiddleware: RouterMiddleware {
    /// The request context.
    public typealias Context = ServerRequestContext

    /// Creates the middleware.
    public init() {}

    /// Passes the request on and turns errors into JSON responses.
    /// - Parameters:
    ///   - request: The request.
    ///   - context: Its context.
    ///   - next: The rest of the chain.
    /// - Returns: The response.
    /// - Throws: Never for errors of the chain; they become responses.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let code =
                switch error.status {
                case .notFound: "notFound"
                case .methodNotAllowed: "methodNotAllowed"
                case .contentTooLarge: "bodyTooLarge"
                default: "httpError"
                }
            let message =
                switch error.status {
                case .notFound: "no such endpoint: \(request.method) \(request.uri.path); see /api/v1/openapi.json"
                case .contentTooLarge: "the request body is larger than \(context.maxUploadSize) bytes"
                default: error.body ?? error.status.reasonPhrase
                }
            return try APIError(error.status, code: code, message).response(from: request, context: context)
        } catch {
            context.logger.error(
                "unexpected error", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            return try APIError(
                .internalServerError, code: "internal", "the server failed unexpectedly; this is a bug"
            ).response(from: request, context: context)
        }
    }
}
