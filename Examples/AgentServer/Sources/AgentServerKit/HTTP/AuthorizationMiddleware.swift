import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes
import Hummingbird

/// Finds out who calls: with no tokens configured everyone may do everything (the server then listens on
/// loopback only); otherwise the `Authorization: Bearer` header (or, for the WebSocket, which browsers cannot give
/// headers, the `access_token` query parameter) must hold a configured token. Tokens are compared in constant time
/// and never logged. Each route then states the role it needs (``ServerRequestContext/require(_:)``).
public struct AuthorizationMiddleware: RouterMiddleware {
    /// The request context.
    public typealias Context = ServerRequestContext

    private let tokens: [(secret: [UInt8], name: String, role: Access.Role)]

    /// Creates the middleware.
    /// - Parameter tokens: The configured tokens; empty for open access.
    public init(tokens: [ServerConfiguration.ResolvedToken]) {
        self.tokens = tokens.map { (Array($0.secret.utf8), $0.name, $0.role) }
    }

    /// Sets ``ServerRequestContext/access`` and passes the request on.
    /// - Parameters:
    ///   - request: The request.
    ///   - context: Its context.
    ///   - next: The rest of the chain.
    /// - Returns: The response.
    /// - Throws: Whatever the rest of the chain throws.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.access = access(for: request)
        return try await next(request, context)
    }

    /// Who sends this request.
    func access(for request: Request) -> Access {
        guard !tokens.isEmpty else { return .open }
        guard let presented = presentedToken(request) else { return .anonymous }
        let bytes = Array(presented.utf8)
        var match: (name: String, role: Access.Role)?
        // Every token is compared, whole, so that the time taken says nothing about which or how much matched.
        for token in tokens where Self.constantTimeEquals(bytes, token.secret) {
            match = (token.name, token.role)
        }
        return match.map { .token(name: $0.name, role: $0.role) } ?? .anonymous
    }

    private func presentedToken(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let prefix = "bearer "
            guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else { return nil }
            return String(header.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        }
        if request.uri.path == "/api/v1/events" {
            return request.uri.queryParameters.get("access_token")
        }
        return nil
    }

    /// Compares two byte strings in time that depends only on their lengths.
    /// - Parameters:
    ///   - left: One value.
    ///   - right: The other.
    /// - Returns: Whether they are equal.
    static func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        difference |= left.count == right.count ? 0 : 1
        let length = max(left.count, right.count)
        for index in 0..<length {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0
    }
}
