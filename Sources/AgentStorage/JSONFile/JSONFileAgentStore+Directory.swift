import AgentCore
import Foundation

extension JSONFileAgentStore {
    /// The environment variable that names the store directory.
    public static let environmentVariable = "AGENTCTL_HOME"
    /// The directory name used in the working directory when nothing else is given.
    public static let defaultDirectoryName = ".agentctl"

    /// Where the store lives: an explicit path if given, else `$AGENTCTL_HOME`, else `.agentctl/` in the
    /// working directory. Relative paths are resolved against `currentDirectory`; a leading `~/` against
    /// `$HOME`.
    /// - Parameters:
    ///   - explicitPath: A path the user gave (for example `--store`); empty means none.
    ///   - environment: The process environment.
    ///   - currentDirectory: The working directory.
    /// - Returns: The store directory, standardized.
    public static func defaultDirectory(
        explicitPath: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    ) -> URL {
        let chosen =
            [explicitPath, environment[environmentVariable]].compactMap { $0 }.first { !$0.isEmpty }
            ?? defaultDirectoryName
        var path = chosen
        if path == "~" || path.hasPrefix("~/"), let home = environment["HOME"], !home.isEmpty {
            path = home + path.dropFirst()
        }
        let url =
            path.hasPrefix("/")
            ? URL(fileURLWithPath: path, isDirectory: true)
            : currentDirectory.appendingPathComponent(path, isDirectory: true)
        return url.standardizedFileURL
    }
}
