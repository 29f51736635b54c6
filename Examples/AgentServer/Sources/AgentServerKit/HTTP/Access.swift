import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes

/// Who is calling: anyone (no tokens are configured), a bearer token with its role, or nobody known.
public enum Access: Sendable, Equatable {
    /// The role a call needs, as configured for tokens.
    public typealias Role = ServerConfiguration.Role

    /// No tokens are configured (loopback only): every call is allowed.
    case open
    /// A valid bearer token.
    case token(name: String, role: Role)
    /// No valid token.
    case anonymous

    /// The roles the caller has, for the dashboard (which hides what it may not do).
    public var roles: [Role] {
        switch self {
        case .open: Role.allCases
        case .token(_, let role): role == .read ? [.read] : [.read, role]
        case .anonymous: []
        }
    }

    /// Throws unless the caller may do what `role` allows.
    /// - Parameter role: The role the call needs.
    /// - Throws: ``APIError``: 401 without a valid token, 403 when the token's role does not allow the call.
    public func require(_ role: Role) throws(APIError) {
        switch self {
        case .open:
            return
        case .token(let name, let held):
            guard held.allows(role) else {
                throw APIError(
                    .forbidden, code: "forbidden",
                    "the token \"\(name)\" has the role \(held.rawValue), which does not allow this; it needs a token "
                        + "with the role \(role.rawValue)")
            }
        case .anonymous:
            throw APIError(
                .unauthorized, code: "unauthorized",
                "send a valid token as \"Authorization: Bearer <token>\" (tokens are listed under server.tokens in "
                    + "the configuration)", field: "Authorization", headers: [.wwwAuthenticate: "Bearer"])
        }
    }
}
