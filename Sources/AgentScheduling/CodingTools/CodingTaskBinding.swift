import AgentCore
import Foundation

/// A coding task bound to a tool, ready to run: what ``ConfiguredAgent`` runs for an agent `<task>.<tool>`.
///
/// A run renders the prompt (`{{name}}` placeholders from the task's and the run's parameters), writes it to
/// `prompt.md` in the run directory, notes the working directory's git `HEAD` when the task requires a commit,
/// starts the tool (`executable arguments… [model] [prompt]`) with a transcript, then:
/// - reads token usage from the tool's output into the counters `inputTokens`, `outputTokens`, `totalTokens`
///   and `costMicroUSD` (see ``TokenUsageRule``);
/// - for a task that requires a commit and a run that succeeded: lists the new commits as artifacts
///   (`commit <short hash>`, `git:<hash>`), or, when there are none, records the run as the task says
///   (`noOp` by default, or failed permanently) with the message `No git commits detected`;
/// - adds a hint to a timeout.
public struct CodingTaskBinding: Sendable {
    /// The hint added to a timed-out run.
    public static let timeoutHint =
        "the tool hung or needs longer: read transcript.log for where it stopped, check for loops, or raise the task's timeout"
    /// The hint added to a run without the required commit.
    public static let noCommitHint =
        "expected when there was nothing to change; otherwise read transcript.log for what the tool did"

    /// The task.
    public var task: CodingTask
    /// The tool.
    public var tool: CodingTool
    /// The model passed to the tool (`nil`: the tool's own default).
    public var model: String?
    /// Where the tool runs.
    public var workingDirectory: URL
    /// The task's time limit, enforced by ``run(_:context:configuration:base:)`` (`nil`: the run's own
    /// deadline); the agent's policy allows this plus the termination grace and ``timeoutMargin``.
    public var timeout: Duration? = nil

    /// How much longer than the task's limit the orchestrator waits, beyond the termination grace period.
    public static let timeoutMargin: Duration = .seconds(3)

    /// Binds a selection to the configuration's task and tool, resolving the model from `environment`.
    /// - Parameters:
    ///   - selection: The task and tool names.
    ///   - configuration: The configuration.
    ///   - environment: agentctl's environment (model variables such as `OLLAMA_MODEL`).
    /// - Returns: The binding, or the problem: an unknown name, a required model that is not set.
    package static func make(
        _ selection: CodingTaskSelection, configuration: RunnerConfiguration, environment: [String: String]
    ) -> Result<CodingTaskBinding, ConfigProblem> {
        guard let task = configuration.coding.task(named: selection.task) else {
            return .failure(ConfigProblem(path: "tasks", message: "no task is named \"\(selection.task)\""))
        }
        guard let tool = configuration.coding.tool(named: selection.tool) else {
            return .failure(ConfigProblem(path: "tools", message: "no tool is named \"\(selection.tool)\""))
        }
        let model = tool.model.resolved(in: environment)
        if model == nil, tool.model.flag == nil {
            let variable = tool.model.environmentVariable.map { "set \($0) or " } ?? ""
            return .failure(
                ConfigProblem(
                    path: ConfigReader.path("tools", key: tool.name) + ".model",
                    message:
                        "\(tool.name) takes the model as an argument and none is configured; \(variable)write \"tools\": {\"\(tool.name)\": {\"model\": \"NAME\"}}"
                ))
        }
        let directory =
            task.workingDirectory ?? configuration.coding.directory
            ?? configuration.file.deletingLastPathComponent()
        return .success(CodingTaskBinding(task: task, tool: tool, model: model, workingDirectory: directory))
    }

    /// Runs the task with the tool once (see the type's documentation).
    /// - Parameters:
    ///   - request: The run request (its parameters fill prompt placeholders).
    ///   - context: The run's context.
    ///   - configuration: The subprocess configuration with the run's variables set.
    ///   - base: The configured subprocess agent (name, policy, parent environment).
    /// - Returns: The outcome with token counters and commit artifacts.
    /// - Throws: What ``SubprocessAgent/run(_:context:)`` throws.
    public func run(
        _ request: AgentRunRequest, context: AgentRunContext, configuration: SubprocessConfiguration,
        base: SubprocessAgent
    ) async throws -> AgentRunResult {
        let startedAt = context.clock.now
        let directory = base.logDirectory(for: context.runID)
        let prompt: String
        switch renderPrompt(request) {
        case .success(let text): prompt = text
        case .failure(let box): return box.result
        }
        let childEnvironment = configuration.environment.resolved(parent: base.parentEnvironment)
        let git = GitRepository(directory: workingDirectory, environment: childEnvironment)
        var headBefore: String?
        if task.requiresCommit {
            do {
                headBefore = try await BlockingIO.perform { try git.head() }
            } catch {
                return .failed(.permanent, "cannot read the git HEAD before the run: \(error)")
            }
        }
        let promptURL = directory.url.appendingPathComponent("prompt.md")
        do {
            try await BlockingIO.perform {
                try directory.create()
                try Data(prompt.utf8).write(to: promptURL, options: [.atomic])
                _ = chmod(promptURL.path, 0o600)
            }
        } catch {
            return .failed(.transient, "cannot write the prompt to \(promptURL.path): \(error)")
        }
        var configuration = configuration
        var context = context
        if let timeout {
            configuration.timeout = timeout
            context = context.withDeadline(startedAt.addingTimeInterval(timeout.timeInterval))
        }
        configuration.arguments = tool.commandArguments(model: model, prompt: prompt, promptFile: promptURL.path)
        if case .standardInput = tool.prompt { configuration.standardInput = promptURL }
        configuration.writesTranscript = true
        let agent = try SubprocessAgent(
            name: base.name, configuration: configuration, parentEnvironment: base.parentEnvironment,
            schedule: base.schedule, policy: base.basePolicy, owner: base.owner, isEnabled: base.isEnabled)
        var result = try await agent.run(request, context: context)
        result.artifacts.append(RunArtifact(name: "prompt.md", uri: promptURL.absoluteString))
        if let usage = tool.usage {
            let counters = try await BlockingIO.perform { () -> [String: Int64] in
                usage.extract(
                    standardOutput: Self.text(of: directory.stdoutURL),
                    standardError: Self.text(of: directory.stderrURL))
            }
            result.counters.merge(counters) { _, found in found }
        }
        if task.requiresCommit { await checkCommits(&result, git: git, before: headBefore) }
        if case .failed(.timeout, let message) = result.outcome {
            let text = message + "; hint: " + Self.timeoutHint
            result.outcome = .failed(.timeout, message: text)
            result.summary = text
        }
        return result
    }

    /// The prompt with its placeholders filled, or a failed result naming the problem.
    private func renderPrompt(_ request: AgentRunRequest) -> Result<String, AgentRunResultBox> {
        let template: String
        do {
            template = try String(contentsOf: task.promptFile, encoding: .utf8)
        } catch {
            return .failure(
                AgentRunResultBox(
                    .failed(
                        .permanent,
                        "cannot read the prompt file \(task.promptFile.path) of task \(task.name): \(error.localizedDescription); fix tasks.\(task.name).prompt"
                    )))
        }
        var values = task.parameters
        for (key, value) in request.parameters.objectValue ?? [:] {
            switch value {
            case .string(let text): values[key] = text
            case .integer(let number): values[key] = String(number)
            case .double(let number): values[key] = String(number)
            case .bool(let flag): values[key] = String(flag)
            default: continue
            }
        }
        switch CodingTask.render(template, values: values) {
        case .success(let text):
            var prompt = text
            while prompt.last?.isNewline == true { prompt.removeLast() }
            return .success(prompt)
        case .failure(let missing):
            let names = missing.names.map { "{{\($0)}}" }.joined(separator: ", ")
            return .failure(
                AgentRunResultBox(
                    .failed(
                        .permanent,
                        "the prompt of task \(task.name) uses \(names) without a value; add it to tasks.\(task.name).parameters or pass --param NAME=VALUE"
                    )))
        }
    }

    /// Compares `HEAD` with the one before the run; lists new commits, or records their absence.
    private func checkCommits(_ result: inout AgentRunResult, git: GitRepository, before: String?) async {
        switch result.outcome {
        // A run that asks for approval is checked too: a proposal without the commit it promised is not one.
        case .succeeded, .noOp, .awaitingApproval: break
        case .failed: return
        }
        let commits: [GitRepository.Commit]
        do {
            commits = try await BlockingIO.perform { () throws -> [GitRepository.Commit] in
                guard let after = try git.head(), after != before else { return [] }
                return try git.commits(from: before, to: after)
            }
        } catch {
            result.outcome = .failed(.permanent, message: "cannot list the commits of the run: \(error)")
            result.summary = "cannot list the commits of the run: \(error)"
            return
        }
        guard commits.isEmpty else {
            for commit in commits {
                result.artifacts.append(
                    RunArtifact(name: "commit \(commit.hash.prefix(12)) \(commit.subject)", uri: "git:\(commit.hash)"))
            }
            result.counters["commits"] = Int64(commits.count)
            let list = commits.map { "\($0.hash.prefix(7)) \($0.subject)" }.joined(separator: ", ")
            result.summary = (result.summary.map { $0 + "; " } ?? "") + "\(commits.count) commit(s): \(list)"
            return
        }
        result.counters["commits"] = 0
        let head = before.map { "HEAD stayed at \($0.prefix(7))" } ?? "the branch has no commit"
        let message =
            "\(CodingTask.noCommitMessage) in \(workingDirectory.path) (\(head)); hint: \(Self.noCommitHint)"
        switch task.missingCommitOutcome {
        case .noOp: result.outcome = .noOp
        case .failed: result.outcome = .failed(.permanent, message: message)
        }
        result.summary = message
    }

    /// A log file's text (they are bounded by the output limit).
    private static func text(of url: URL) -> String {
        (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}

/// A result carried as an error, so prompt rendering can return either the prompt or the run's outcome.
struct AgentRunResultBox: Error {
    let result: AgentRunResult
    init(_ result: AgentRunResult) { self.result = result }
}
