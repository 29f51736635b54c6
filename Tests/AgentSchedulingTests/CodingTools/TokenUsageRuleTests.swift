import AgentScheduling
import Testing

/// Token usage read from what the presets' CLIs print.
struct TokenUsageRuleTests {
    @Test func geminiJSONSumsEveryModel() throws {
        let output = """
            {
              "response": "done",
              "stats": {"models": {
                "gemini-2.5-pro": {"tokens": {"prompt": 1000, "candidates": 200, "total": 1300}},
                "gemini-2.5-flash": {"tokens": {"prompt": 10, "candidates": 5, "total": 15}}
              }}
            }
            """
        let usage = try #require(CodingToolPresets.gemini.usage)
        #expect(
            usage.extract(standardOutput: output, standardError: "")
                == ["inputTokens": 1010, "outputTokens": 205, "totalTokens": 1315])
    }

    @Test func codexJSONLinesAddUpTurnsAndTotalIsDerived() throws {
        let output = """
            {"type":"thread.started","thread_id":"t"}
            {"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":20}}
            not json
            {"type":"turn.completed","usage":{"input_tokens":50,"output_tokens":5}}
            """
        let usage = try #require(CodingToolPresets.codex.usage)
        #expect(
            usage.extract(standardOutput: output, standardError: "")
                == ["inputTokens": 150, "outputTokens": 25, "totalTokens": 175])
    }

    @Test func claudeCostBecomesMicrodollars() throws {
        let output = #"{"result":"ok","total_cost_usd":0.0123,"usage":{"input_tokens":4,"output_tokens":6}}"#
        let usage = try #require(CodingToolPresets.claude.usage)
        #expect(usage.extract(standardOutput: output, standardError: "")["costMicroUSD"] == 12_300)
    }

    @Test func ollamaPatternsReadStandardErrorWithThousandsSeparators() throws {
        let errors = "total duration: 2s\nprompt eval count:    1,026 token(s)\neval count:           298 token(s)\n"
        let usage = try #require(CodingToolPresets.ollama.usage)
        #expect(
            usage.extract(standardOutput: "hello", standardError: errors)
                == ["inputTokens": 1026, "outputTokens": 298, "totalTokens": 1324])
    }

    @Test func outputWithoutUsageGivesNoCounters() throws {
        let usage = try #require(CodingToolPresets.claude.usage)
        #expect(usage.extract(standardOutput: "plain text\n", standardError: "").isEmpty)
    }

    @Test func badRulesAreExplained() {
        #expect(TokenUsageRule.patterns(["tokens: (\\d+)"]).problems().first?.contains("no named group") == true)
        #expect(TokenUsageRule.json(["inputTokens": "usage..x"]).problems().count == 1)
        #expect(TokenUsageRule.json([:]).problems().count == 1)
    }

    @Test func promptPlaceholdersAreFilledOrNamed() {
        #expect(
            CodingTask.render("Fix {{ dir }} and {{dir}}", values: ["dir": "Docs"]) == .success("Fix Docs and Docs"))
        #expect(
            CodingTask.render("{{a}} {{b}} {{a}}", values: [:])
                == .failure(CodingTask.MissingParameters(names: ["a", "b"])))
    }
}
