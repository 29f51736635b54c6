import AgentCore

/// The two built-in agents `agentctl demo` runs: one that succeeds and one that fails with a classified error.
enum DemoAgents {
    /// Pretends to digest a docs folder and reports what it did.
    static let docsDigest = ClosureAgent(
        name: "docs-digest", owner: OwnerMetadata(owner: "docs-team", description: "Summarises documentation changes")
    ) { request, context in
        let pages: Int64 = 12
        context.log("scanning \(pages) pages")
        context.reportProgress(0.5, "half the pages read")
        context.log("digest written")
        return AgentRunResult(
            outcome: .succeeded, counters: ["pagesScanned": pages, "pagesChanged": 3],
            artifacts: [RunArtifact(name: "digest", uri: "file:///tmp/docs-digest.md")],
            summary: "3 of \(pages) pages changed since \(request.businessDate?.description ?? "the last run")")
    }

    /// Fails the way a misconfigured agent does: with a permanent, actionable error.
    static let reportSync = ClosureAgent(
        name: "report-sync",
        owner: OwnerMetadata(owner: "data-team", description: "Uploads the nightly report"),
        policy: RunPolicy(retry: .never)
    ) { _, context in
        context.log("connecting to the report server")
        throw AgentFailure.permanent("REPORT_TOKEN is not set: export REPORT_TOKEN=<token> and run again")
    }
}
