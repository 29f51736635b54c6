import AgentCore
import Foundation

extension RunLogDirectory {
    /// The log directory of a run under the configuration's log root.
    package init(of record: RunRecord, in configuration: RunnerConfiguration) {
        if let directory = configuration.coding.agentLogDirectory(
            for: record.agentName.rawValue, logs: configuration.logsDirectory)
        {
            self.init(agentDirectory: directory, agent: record.agentName, runID: record.id)
        } else {
            self.init(root: configuration.logsDirectory, agent: record.agentName, runID: record.id)
        }
    }

    /// The directory's path when it exists.
    package var existingPath: String? { exists ? url.path : nil }
}
