import AgentCore
import AgentScheduling
import AgentStorage
import Foundation
import PostgresAgentStore

/// The one place where the server chooses and opens its store: the JSON-file store of the configuration by
/// default, PostgreSQL (`PostgresAgentStore`) when a database URL is given.
public enum StoreFactory {
    /// The environment variable that names a PostgreSQL database when `--database-url` is not given.
    public static let databaseURLVariable = "DATABASE_URL"

    /// Opens the store the runner and the API share.
    /// - Parameters:
    ///   - configuration: The runner's configuration (its store directory and retention).
    ///   - databaseURL: A PostgreSQL URL, or `nil` for the JSON-file store.
    /// - Returns: The store, opened for scheduling (orphaned runs are marked abandoned).
    /// - Throws: ``ServerStartupError`` when the store cannot be opened (for PostgreSQL: naming the host and the
    ///   database, never the password).
    public static func open(configuration: RunnerConfiguration, databaseURL: String?) async throws(ServerStartupError)
        -> any AgentStore
    {
        if let databaseURL, !databaseURL.isEmpty {
            do {
                return try await PostgresAgentStore.open(
                    url: databaseURL, options: PostgresAgentStore.Options(retention: configuration.retention))
            } catch {
                // The store's errors name the host and the database and never the password.
                throw ServerStartupError(
                    "cannot open the PostgreSQL store (--database-url / \(databaseURLVariable)): \(error)")
            }
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
