import AgentCore
import Foundation

/// A piece of work for a coding tool: a prompt file, the parameters substituted into it, where the tool works,
/// and whether the work must end in a git commit.
///
/// `{{name}}` in the prompt is replaced by the parameter `name`: the task's `parameters`, overridden by the run's
/// string, number and boolean parameters (`agentctl run --task T --agent A --param name=value`).
public struct CodingTask: Sendable {
    /// What a run that made no commit is recorded as.
    public enum MissingCommitOutcome: String, Sendable, Hashable, CaseIterable {
        /// Nothing to do (the default): the run counts as a success.
        case noOp
        /// A permanent failure.
        case failed
    }

    /// The message of a run that should have committed and did not.
    public static let noCommitMessage = "No git commits detected"

    /// The task's name (`document_coverage`).
    public var name: String
    /// The prompt file (absolute; written relative to the configuration file).
    public var promptFile: URL
    /// Values for `{{name}}` placeholders in the prompt.
    public var parameters: [String: String]
    /// Whether a run must add a commit to the working directory's repository.
    public var requiresCommit: Bool
    /// What a run without a new commit becomes.
    public var missingCommitOutcome: MissingCommitOutcome
    /// The time limit (`nil`: the default, 15 minutes or `AGENTCTL_TIMEOUT_SECONDS`).
    public var timeout: Duration?
    /// Where the tool runs (absolute; `nil`: the configuration file's directory).
    public var workingDirectory: URL?
    /// Failure patterns tried before the tool's.
    public var failurePatterns: [FailurePattern]
    /// A description for `agentctl tasks`.
    public var description: String?

    /// Creates a task.
    /// - Parameters:
    ///   - name: The task's name.
    ///   - promptFile: The prompt file.
    ///   - parameters: Placeholder values.
    ///   - requiresCommit: Whether a commit is required.
    ///   - missingCommitOutcome: What a run without a commit becomes.
    ///   - timeout: The time limit.
    ///   - workingDirectory: Where the tool runs.
    ///   - failurePatterns: Task-specific failure patterns.
    ///   - description: A description.
    public init(
        name: String, promptFile: URL, parameters: [String: String] = [:], requiresCommit: Bool = false,
        missingCommitOutcome: MissingCommitOutcome = .noOp, timeout: Duration? = nil, workingDirectory: URL? = nil,
        failurePatterns: [FailurePattern] = [], description: String? = nil
    ) {
        self.name = name
        self.promptFile = promptFile
        self.parameters = parameters
        self.requiresCommit = requiresCommit
        self.missingCommitOutcome = missingCommitOutcome
        self.timeout = timeout
        self.workingDirectory = workingDirectory
        self.failurePatterns = failurePatterns
        self.description = description
    }

    /// Replaces `{{name}}` placeholders in a prompt.
    /// - Parameters:
    ///   - template: The prompt file's text.
    ///   - values: The parameter values.
    /// - Returns: The prompt, or the names of placeholders without a value.
    public static func render(_ template: String, values: [String: String]) -> Result<String, MissingParameters> {
        var output = ""
        var missing: [String] = []
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if let value = values[name] {
                output += value
            } else {
                if !missing.contains(name) { missing.append(name) }
                output += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        output += rest
        return missing.isEmpty ? .success(output) : .failure(MissingParameters(names: missing))
    }

    /// Placeholders of a prompt that have no value.
    public struct MissingParameters: Error, Sendable, Hashable {
        /// The placeholder names.
        public var names: [String]

        /// Creates the error.
        /// - Parameter names: The placeholder names, in the order they first appear.
        public init(names: [String]) { self.names = names }
    }
}
