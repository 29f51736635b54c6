import AgentCore
import Foundation

/// A coding-assistant command-line program (codex, claude, gemini, …) and how to run it without a person at
/// the keyboard: its executable and base arguments, how it receives the prompt and the model, its environment,
/// how its token usage is read from its output, and the failure patterns its output is known for.
///
/// The command line is built as `executable arguments… [model] [prompt]`:
///
/// ```swift
/// var tool = CodingToolPresets.tool(named: "claude")!
/// tool.model.value = "opus"
/// tool.commandArguments(model: "opus", prompt: "fix the docs", promptFile: "/logs/…/prompt.md")
/// // ["-p", "--output-format", "json", "--dangerously-skip-permissions", "--model", "opus", "fix the docs"]
/// ```
public struct CodingTool: Sendable {
    /// How the prompt reaches the program.
    public enum PromptDelivery: Sendable, Hashable {
        /// As an argument: after `flag` (`--prompt TEXT`), or as the last argument when `flag` is `nil`.
        case argument(flag: String?)
        /// On standard input (the prompt file is opened as the program's stdin).
        case standardInput
        /// As the path of a file that holds it: after `flag`, or as the last argument when `flag` is `nil`.
        case file(flag: String?)
    }

    /// The model: a default, the flag that passes it, and the environment variable that overrides it.
    public struct ModelSetting: Sendable, Hashable {
        /// The model used when the environment variable is not set (`nil`: the program's own default, unless
        /// ``flag`` is `nil`, where a model is required).
        public var value: String?
        /// The flag that passes it (`--model`); `nil` passes it as a positional argument before the prompt
        /// (`ollama run MODEL PROMPT`), which makes a model required.
        public var flag: String?
        /// The variable of agentctl's environment that replaces ``value`` when set (`OLLAMA_MODEL`).
        public var environmentVariable: String?

        /// Creates a model setting.
        /// - Parameters:
        ///   - value: The default model.
        ///   - flag: The flag that passes it, or `nil` for a positional argument.
        ///   - environmentVariable: The variable that overrides the default.
        public init(value: String? = nil, flag: String? = "--model", environmentVariable: String? = nil) {
            self.value = value
            self.flag = flag
            self.environmentVariable = environmentVariable
        }

        /// The model for a run: the environment variable when set and not empty, else ``value``.
        /// - Parameter environment: agentctl's environment.
        /// - Returns: The model, or `nil` for the program's default.
        public func resolved(in environment: [String: String]) -> String? {
            if let name = environmentVariable, let text = environment[name],
                !text.trimmingCharacters(in: .whitespaces).isEmpty
            {
                return text
            }
            return value
        }
    }

    /// The tool's name (`claude`), as used by `agentctl run --agent NAME` and in log paths.
    public var name: String
    /// The program: a name looked up on `PATH` or a path.
    public var executable: String
    /// The arguments before the model and the prompt.
    public var arguments: [String]
    /// How the prompt is passed.
    public var prompt: PromptDelivery
    /// The model.
    public var model: ModelSetting
    /// Variables set (or, with `nil`, removed) for the program, in order.
    public var environment: [(name: String, value: ConfigValue?)]
    /// How token usage is read from the program's output, if it prints it.
    public var usage: TokenUsageRule?
    /// Output patterns known for this program, tried after the task's own patterns.
    public var failurePatterns: [FailurePattern]
    /// Where the preset's flags come from (empty for tools written only in the configuration).
    public var source: String

    /// Creates a tool.
    /// - Parameters:
    ///   - name: The tool's name.
    ///   - executable: The program.
    ///   - arguments: The base arguments.
    ///   - prompt: How the prompt is passed.
    ///   - model: The model setting.
    ///   - environment: Variables set for the program.
    ///   - usage: The token usage rule.
    ///   - failurePatterns: Known failure patterns.
    ///   - source: Where the flags come from.
    public init(
        name: String, executable: String, arguments: [String] = [], prompt: PromptDelivery = .argument(flag: nil),
        model: ModelSetting = ModelSetting(), environment: [(name: String, value: ConfigValue?)] = [],
        usage: TokenUsageRule? = nil, failurePatterns: [FailurePattern] = [], source: String = ""
    ) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.prompt = prompt
        self.model = model
        self.environment = environment
        self.usage = usage
        self.failurePatterns = failurePatterns
        self.source = source
    }

    /// The arguments of one run: the base arguments, the model, then the prompt (or its file).
    /// - Parameters:
    ///   - model: The resolved model, or `nil` for the program's default.
    ///   - prompt: The prompt text.
    ///   - promptFile: The path of the file that holds the prompt.
    /// - Returns: The arguments after the executable.
    public func commandArguments(model: String?, prompt text: String, promptFile: String) -> [String] {
        var result = arguments
        if let model {
            if let flag = self.model.flag { result.append(flag) }
            result.append(model)
        }
        switch prompt {
        case .argument(let flag):
            if let flag { result.append(flag) }
            result.append(text)
        case .file(let flag):
            if let flag { result.append(flag) }
            result.append(promptFile)
        case .standardInput:
            break
        }
        return result
    }
}
