import AgentCore
import AgentScheduling
import AgentStorage
import Foundation

/// The one place where the server chooses and opens its store: the JSON-file store of the configuration by
/// default, PostgreSQL when a database URL is given (once this build includes the PostgreSQL store).
public enum StoreFactory {
    /// The environment variable that names a PostgreSQL database when `--database-url` is not given.
    public static let databaseURLVariable = "DATABASE_URL"

    /// Opens the store the runner and the API share.
    /// - Parameters:
    ///   - configuration: The runner's configuration (its store directory and retention).
    ///   - databaseURL: A PostgreSQL URL, or `nil` for the JSON-file store.
    /// - Returns: The store, opened for scheduling (orphaned runs are marked abandoned).
    /// - Throws: ``ServerStartupError`` when the store cannot be opened, or for a database URL, which this build
    ///   cannot use yet.
    public static func open(configuration: RunnerConfiguration, databaseURL: String?) async throws(ServerStartupError)
        -> any AgentStore
    {
        if let databaseURL, !databaseURL.isEmpty {
            _ = databaseURL
            throw ServerStartupError(
                "--database-url / \(databaseURLVariable): the PostgreSQL store is not available in this build yet; "
                    + "unset it to use the JSON-file store at \(configuration.storeDirectory.path)")
        }
        var options = JSONFileAgentStore.Options.forScheduling
        options.retention = configuration.retention
        do {
            return try await JSONFileAgentStore.open(directory: configuration.storeDirectory, options: options)
        } catch {
            throw ServerStartupError("cannot open the store at \(configuration.storeDirectory.path): \(error)")
        }
    }
}
