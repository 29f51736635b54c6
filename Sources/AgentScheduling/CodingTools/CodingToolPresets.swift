import AgentCore

/// The built-in coding tools: codex, claude, gemini, kilo, ollama, opencode and qwen, as plain data that a
/// configuration's `tools` entry of the same name overrides key by key. Loading them needs no network and no
/// installed program; `agentctl tools` shows which executables are found on `PATH`.
///
/// The models and model variables are those of the team runner these presets replace (its agent table); the
/// flags are each program's documented non-interactive mode. Check them against `<tool> --help` of the version
/// you run, and override what differs (Docs/CodingAgents.md lists each preset).
public enum CodingToolPresets {
    /// The hint of the "model not found" patterns.
    public static let modelNotFoundHint = "update the model in the tool preset"
    /// The hint of the "usage limit" patterns.
    public static let usageLimitHint = "wait or use another tool"
    /// The hint of the network-timeout patterns.
    public static let networkTimeoutHint = "the service did not answer; retry later"

    /// Every preset, by name.
    public static let all: [CodingTool] = [codex, claude, gemini, kilo, ollama, opencode, qwen]

    /// The preset with this name.
    /// - Parameter name: `codex`, `claude`, `gemini`, `kilo`, `ollama`, `opencode` or `qwen`.
    /// - Returns: The preset, or `nil`.
    public static func tool(named name: String) -> CodingTool? { all.first { $0.name == name } }

    /// The patterns every preset ships: model not found (permanent), usage limit (rate limited, also when the
    /// program exits 0), a network timeout (transient).
    static func commonPatterns(modelNotFound: String = "ModelNotFoundError|model not found") -> [FailurePattern] {
        var patterns = [
            FailurePattern(
                "usage limit|rate limit exceeded|quota exceeded", class: .rateLimited, appliesOnSuccess: true),
            FailurePattern(modelNotFound, class: .permanent, appliesOnSuccess: true),
            FailurePattern("ETIMEDOUT|timed out waiting|request timed out", class: .transient),
        ]
        patterns[0].hint = usageLimitHint
        patterns[1].hint = modelNotFoundHint
        patterns[2].hint = networkTimeoutHint
        return patterns
    }

    /// OpenAI Codex CLI: `codex exec --json --full-auto [-m MODEL] PROMPT`; JSON Lines events, whose
    /// `turn.completed` events carry `usage.input_tokens` and `usage.output_tokens`.
    public static let codex = CodingTool(
        name: "codex", executable: "codex", arguments: ["exec", "--json", "--full-auto"],
        prompt: .argument(flag: nil), model: .init(value: nil, flag: "-m", environmentVariable: "CODEX_MODEL"),
        usage: .json(["inputTokens": "usage.input_tokens", "outputTokens": "usage.output_tokens"]),
        failurePatterns: commonPatterns(modelNotFound: "model not found|model .* does not exist"),
        source: "codex exec (non-interactive mode), --json event stream, --full-auto sandboxed edits")

    /// Anthropic Claude Code: `claude -p --output-format json --dangerously-skip-permissions --model sonnet
    /// PROMPT`; one JSON result with `usage.input_tokens`, `usage.output_tokens` and `total_cost_usd`.
    public static let claude = CodingTool(
        name: "claude", executable: "claude",
        arguments: ["-p", "--output-format", "json", "--dangerously-skip-permissions"],
        prompt: .argument(flag: nil),
        model: .init(value: "sonnet", flag: "--model", environmentVariable: "CLAUDE_MODEL"),
        usage: .json([
            "inputTokens": "usage.input_tokens", "outputTokens": "usage.output_tokens", "cost": "total_cost_usd",
        ]),
        failurePatterns: commonPatterns(modelNotFound: "not_found_error|model not found|issue with the selected model"),
        source: "claude -p (print mode), --output-format json, model alias sonnet as in the team runner")

    /// Google Gemini CLI: `gemini --output-format json --yolo --model auto --prompt PROMPT`; a JSON document
    /// whose `stats.models.<model>.tokens` hold `prompt`, `candidates` and `total`.
    public static let gemini = CodingTool(
        name: "gemini", executable: "gemini", arguments: ["--output-format", "json", "--yolo"],
        prompt: .argument(flag: "--prompt"),
        model: .init(value: "auto", flag: "--model", environmentVariable: "GEMINI_MODEL"),
        usage: .json([
            "inputTokens": "stats.models.*.tokens.prompt", "outputTokens": "stats.models.*.tokens.candidates",
            "totalTokens": "stats.models.*.tokens.total",
        ]),
        failurePatterns: commonPatterns() + [
            {
                var pattern = FailurePattern("RESOURCE_EXHAUSTED", class: .rateLimited, appliesOnSuccess: true)
                pattern.hint = usageLimitHint
                return pattern
            }()
        ],
        source: "gemini --prompt (non-interactive), --output-format json, --yolo, model auto as in the team runner")

    /// Kilo CLI: `kilo run -m kilo/minimax/minimax-m2.5:free PROMPT`.
    public static let kilo = CodingTool(
        name: "kilo", executable: "kilo", arguments: ["run"], prompt: .argument(flag: nil),
        model: .init(value: "kilo/minimax/minimax-m2.5:free", flag: "-m", environmentVariable: "KILO_MODEL"),
        failurePatterns: commonPatterns(),
        source: "kilo run (non-interactive), model as in the team runner")

    /// Ollama: `ollama run --verbose MODEL PROMPT`, the model from `OLLAMA_MODEL`; `--verbose` prints
    /// `prompt eval count` and `eval count` on standard error.
    public static let ollama = CodingTool(
        name: "ollama", executable: "ollama", arguments: ["run", "--verbose"], prompt: .argument(flag: nil),
        model: .init(value: nil, flag: nil, environmentVariable: "OLLAMA_MODEL"),
        usage: .patterns([
            #"^prompt eval count:\s+(?<inputTokens>[\d,]+)"#, #"^eval count:\s+(?<outputTokens>[\d,]+)"#,
        ]),
        failurePatterns: commonPatterns(modelNotFound: "model .*not found|pull model manifest"),
        source:
            "ollama run MODEL PROMPT, --verbose timing and token counts, model from OLLAMA_MODEL as in the team runner")

    /// opencode: `opencode run -m opencode/glm-5-free PROMPT`.
    public static let opencode = CodingTool(
        name: "opencode", executable: "opencode", arguments: ["run"], prompt: .argument(flag: nil),
        model: .init(value: "opencode/glm-5-free", flag: "-m", environmentVariable: "OPENCODE_MODEL"),
        failurePatterns: commonPatterns(),
        source: "opencode run (non-interactive), model and OPENCODE_MODEL as in the team runner")

    /// Qwen Code: `qwen --yolo --model coder-model --prompt PROMPT`.
    public static let qwen = CodingTool(
        name: "qwen", executable: "qwen", arguments: ["--yolo"], prompt: .argument(flag: "--prompt"),
        model: .init(value: "coder-model", flag: "--model", environmentVariable: "QWEN_MODEL"),
        failurePatterns: commonPatterns(),
        source: "qwen --prompt (non-interactive, as gemini), model and QWEN_MODEL as in the team runner")
}
