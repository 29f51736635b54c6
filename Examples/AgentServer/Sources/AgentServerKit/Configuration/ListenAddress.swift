import AgentCore
import AgentScheduling
import Foundation

/// Where the server listens: a host and a port, written `host:port` (`127.0.0.1:8080`, `localhost:0`,
/// `[::1]:8080`, `0.0.0.0:8080`). Port 0 asks the system for a free port.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The default: the loopback interface, port 8080.
    public static let defaultAddress = ListenAddress(host: "127.0.0.1", port: 8080)

    /// The host name or IP address.
    public var host: String
    /// The TCP port (0 for any free port).
    public var port: Int

    /// Creates an address.
    /// - Parameters:
    ///   - host: The host name or IP address.
    ///   - port: The TCP port.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`.
    /// - Parameter text: The address as written.
    /// - Throws: ``ServerStartupError`` naming what is wrong and an example.
    public init(parsing text: String) throws(ServerStartupError) {
        let example = "write HOST:PORT, for example 127.0.0.1:8080"
        guard let colon = text.lastIndex(of: ":") else {
            throw ServerStartupError("--listen \"\(text)\" has no port; \(example)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let portText = text[text.index(after: colon)...]
        guard !host.isEmpty else { throw ServerStartupError("--listen \"\(text)\" has no host; \(example)") }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw ServerStartupError("--listen \"\(text)\": \"\(portText)\" is not a port (0-65535); \(example)")
        }
        self.init(host: host, port: port)
    }

    /// Whether only this machine can connect: `localhost`, `127.0.0.0/8` or `::1`.
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `host:port`, with brackets around an IPv6 host.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
