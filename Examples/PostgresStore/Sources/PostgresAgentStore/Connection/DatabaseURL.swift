import AgentCore
import Foundation

/// Where a PostgreSQL database is and how to log in: parsed from a URL such as
/// `postgres://user:secret@db.example.com:5432/agents?sslmode=require`.
///
/// The password is kept for connecting but never appears in ``description`` or in any error message.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    /// Whether the connection is encrypted.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP (`sslmode=disable`).
        case disable
        /// TLS if the server offers it (`sslmode=prefer`, the default, as in libpq).
        case prefer
        /// TLS or no connection (`sslmode=require`).
        case require
    }

    /// The server's host name or address.
    public var host: String
    /// The server's TCP port (default 5432).
    public var port: Int
    /// The user to log in as.
    public var user: String
    /// The password, if any.
    public var password: String?
    /// The database.
    public var database: String
    /// Whether to use TLS.
    public var tlsMode: TLSMode

    /// Parses a `postgres://` or `postgresql://` URL.
    /// - Parameter text: The URL.
    /// - Throws: ``StoreError`` with ``StoreError/Code/invalidRecord`` naming what is wrong (never the password).
    public init(_ text: String) throws(StoreError) {
        let shown = Self.redacting(text)
        func invalid(_ problem: String) -> StoreError {
            StoreError(
                .invalidRecord,
                "the database URL \(shown) \(problem); expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
                    + "[?sslmode=disable|prefer|require]")
        }
        guard let components = URLComponents(string: text) else { throw invalid("is not a URL") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("does not start with postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("names no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("names no user") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw invalid("names no database after the host") }
        var mode = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let parsed = TLSMode(rawValue: value) else {
                    throw invalid("has sslmode=\(item.value ?? "") (use disable, prefer or require)")
                }
                mode = parsed
            default:
                throw invalid("has the unknown parameter \"\(item.name)\" (only sslmode is understood)")
            }
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        self.tlsMode = mode
    }

    /// `postgres://user@host:port/database`: where the store is, without the password.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// The URL with any password replaced by `***`, for messages about text that did not parse.
    /// - Parameter text: A URL as the user gave it.
    /// - Returns: The text without its password.
    static func redacting(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].lastIndex(of: "@") else {
            return text
        }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
