import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for the webhook tests of the scheduler and of `agentctl`: one
/// connection at a time on a background thread, scripted status codes, every request recorded. It stops by
/// itself after its lifetime (30 s by default).
public final class TestHTTPServer: Sendable {
    /// One request the server received.
    public struct Request: Sendable {
        /// `POST`, `GET`, …
        public let method: String
        /// The request target, query included.
        public let path: String
        /// Header names in lower case.
        public let headers: [String: String]
        /// The body.
        public let body: Data

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The body as a JSON object.
        /// - Throws: ``TestHTTPServer/Failure`` when it is not one.
        public func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw Failure(message: "the body is not a JSON object: \(text)")
            }
            return object
        }
    }

    /// A scripted answer.
    public struct Response: Sendable {
        /// The status code.
        public var status: Int
        /// Extra headers (`Retry-After`, …).
        public var headers: [String: String]

        /// Creates an answer.
        /// - Parameters:
        ///   - status: The status code.
        ///   - headers: Extra headers.
        public init(status: Int, headers: [String: String] = [:]) {
            self.status = status
            self.headers = headers
        }
    }

    /// Why the server could not start or a body could not be read.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public let message: String
        /// The message.
        public var description: String { message }
    }

    private struct State {
        var requests: [Request] = []
        var script: [Response]
        var stopped = false
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    /// The port the server listens on.
    public let port: UInt16
    private let listener: Int32
    private let state: Mutex<State>

    /// Starts a server answering the scripted statuses in order, then 200.
    /// - Parameters:
    ///   - responses: The first answers, in order.
    ///   - lifetime: How long the server runs unless stopped first.
    /// - Throws: ``Failure`` when the socket cannot be set up.
    public init(responses: [Response] = [], lifetime: TimeInterval = 30) throws {
        state = Mutex(State(script: responses))
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw Failure(message: "socket() failed") }
        var reuse: Int32 = 1
        setsockopt(socketDescriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socketDescriptor, 16) == 0 else {
            close(socketDescriptor)
            throw Failure(message: "bind/listen failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = socketDescriptor
        let deadline = Date().addingTimeInterval(lifetime)
        let thread = Thread { [self] in serve(until: deadline) }
        thread.name = "test-http-server"
        thread.start()
    }

    deinit { stop() }

    /// The URL of the server's `/hook` path, with a `token` query parameter tests expect to see redacted.
    public var url: URL { URL(string: "http://127.0.0.1:\(port)/hook?token=sekrit")! }

    /// The URL of a path on the server.
    /// - Parameter path: The path, starting with `/`.
    /// - Returns: `http://127.0.0.1:<port><path>`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// The requests received so far.
    public var requests: [Request] { state.withLock { $0.requests } }

    /// Waits until `count` requests have been received (the server's lifetime bounds the wait).
    /// - Parameter count: How many requests to wait for.
    public func waitForRequests(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.requests.count >= count || state.stopped { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Stops accepting connections.
    public func stop() {
        let waiters = state.withLock { state in
            state.stopped = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume() }
    }

    /// A port on which nothing listens (bound without listening, then closed), so connections are refused.
    /// - Returns: The port.
    /// - Throws: ``Failure`` when no port can be bound.
    public static func deadPort() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(message: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw Failure(message: "bind failed") }
        return UInt16(bigEndian: address.sin_port)
    }

    private func serve(until deadline: Date) {
        defer {
            close(listener)
            stop()
        }
        while Date() < deadline, !state.withLock({ $0.stopped }) {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ connection: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        func receive() -> Bool {
            var poller = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 2000) > 0 else { return false }
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[..<count])
            return true
        }
        let separator = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            guard receive() else { return }
            headerEnd = buffer.indices.dropLast(3).first { buffer[$0..<($0 + 4)].elementsEqual(separator) }
        }
        guard let end = headerEnd else { return }
        let head = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = head.first?.split(separator: " ").map(String.init) ?? []
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        if headers["expect"]?.lowercased() == "100-continue" { send(connection, "HTTP/1.1 100 Continue\r\n\r\n") }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count - (end + 4) < length {
            guard receive() else { break }
        }
        let body = Data(buffer[(end + 4)...].prefix(length))
        let request = Request(
            method: requestLine.first ?? "", path: requestLine.count > 1 ? requestLine[1] : "", headers: headers,
            body: body)
        let (response, ready) = state.withLock { state in
            let response = state.script.isEmpty ? Response(status: 200) : state.script.removeFirst()
            state.requests.append(request)
            let count = state.requests.count
            let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= count }
            return (response, ready)
        }
        var text = "HTTP/1.1 \(response.status) Status\r\nContent-Length: 0\r\nConnection: close\r\n"
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        send(connection, text + "\r\n")
        for waiter in ready { waiter.resume() }
    }

    private func send(_ connection: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
