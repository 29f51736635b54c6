import AgentCore
import AgentScheduling
import Foundation

extension RunLogDirectory {
    /// The log directory of a run under the configuration's log root.
    init(of record: RunRecord, in configuration: AgentctlConfiguration) {
        self.init(root: configuration.logsDirectory, agent: record.agentName, runID: record.id)
    }

    /// The directory's path when it exists.
    var existingPath: String? { exists ? url.path : nil }
}
