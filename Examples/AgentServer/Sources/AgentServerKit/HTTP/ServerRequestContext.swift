import AgentCore
import AgentScheduling
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// The request context of every route: Hummingbird's core storage, the WebSocket upgrade slot, and who is
/// calling (set by ``AuthorizationMiddleware``).
public struct ServerRequestContext: RequestContext, WebSocketRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// Where a WebSocket route leaves its handler.
    public let webSocket: WebSocketHandlerReference<ServerRequestContext>
    /// Who is calling.
    public var access: Access = .anonymous

    /// Creates a context for a request.
    /// - Parameter source: The channel and logger of the request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
    }

    /// The most bytes of a request body the server reads (a larger body is answered 413).
    public var maxUploadSize: Int { 64 * 1024 }

    /// Throws unless the caller may do what `role` allows: 401 without a valid token, 403 with a token whose
    /// role does not allow it.
    /// - Parameter role: The role the call needs.
    /// - Throws: ``APIError``.
    public func require(_ role: Access.Role) throws(APIError) {
        try access.require(role)
    }
}
