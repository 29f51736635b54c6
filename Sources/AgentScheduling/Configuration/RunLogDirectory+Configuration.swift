import AgentCore
import Foundation

extension RunLogDirectory {
    /// The log directory of a run under the configuration's log root.
    package init(of record: RunRecord, in configuration: RunnerConfiguration) {
        self.init(root: configuration.logsDirectory, agent: record.agentName, runID: record.id)
    }

    /// The directory's path when it exists.
    package var existingPath: String? { exists ? url.path : nil }
}
