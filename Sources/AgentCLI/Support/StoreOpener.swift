import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// A store the commands can work on: every storage protocol, plus where it is for messages.
public protocol CommandStore: AgentStore {
    /// Where the store is, for people (a directory, or a database URL without its password).
    var location: String { get }
}

extension JSONFileAgentStore: CommandStore {
    /// The store's directory.
    public var location: String { directory.path }
}

/// How the commands open their store. `agentctl` uses ``jsonFile`` (the configuration's store directory); a host
/// with another store (for example PostgreSQL) passes its own to ``CommandRouter/run(_:io:stores:)``, and every
/// command (`serve`, `run`, `runs`, `show`, `pause`, …) then works on that store with the same code.
///
/// ```swift
/// let stores = StoreOpener(describe: { _ in url.description }) { configuration, forScheduling in
///     try await MyStore.open(url, retention: configuration.retention)
/// }
/// exit(await CommandRouter.run(arguments, io: .standard, stores: stores))
/// ```
public struct StoreOpener: Sendable {
    /// Opens the store for a configuration; `forScheduling` is `true` in processes that run agents (`serve`).
    public typealias Open =
        @Sendable (_ configuration: RunnerConfiguration, _ forScheduling: Bool) async throws ->
        any CommandStore

    /// Where the store of a configuration is, for messages before (or instead of) opening it.
    public var describe: @Sendable (RunnerConfiguration) -> String
    /// Opens the store.
    public var open: Open

    /// Creates an opener.
    /// - Parameters:
    ///   - describe: Where the store of a configuration is, for messages.
    ///   - open: Opens it.
    public init(describe: @escaping @Sendable (RunnerConfiguration) -> String, open: @escaping Open) {
        self.describe = describe
        self.open = open
    }

    /// The JSON-file store in the configuration's store directory (what `agentctl` uses).
    public static let jsonFile = StoreOpener(describe: { $0.storeDirectory.path }) { configuration, forScheduling in
        var options: JSONFileAgentStore.Options = forScheduling ? .forScheduling : JSONFileAgentStore.Options()
        options.retention = configuration.retention
        return try await JSONFileAgentStore.open(directory: configuration.storeDirectory, options: options)
    }

    /// The opener of the commands running in this task (set by ``CommandRouter/run(_:io:stores:)``).
    @TaskLocal static var current: StoreOpener = .jsonFile
}
