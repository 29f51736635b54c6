import AgentCore
import Foundation
import PostgresAgentStore

/// `agent-runner-pg bench [--json] [--runs N] [--page-rows N] [--concurrency N] [--trials N] [--requests N]`: the
/// PostgreSQL store's figures, each beside a same-run baseline of the server itself (a bare `SELECT 1` round trip, a
/// bare one-row INSERT commit rate with 8 connections and the latency of one such commit on one connection: the disk's
/// flush).
/// Each measure starts after a `CHECKPOINT` when the role may ask for one.
///
/// - lifecycle: no-op runs through the runner's own ``Orchestrator`` (claim → running → noOp, with the lease and the
///   events), with 1 and with 4 processes (this program started again as workers), `--concurrency` (default 200, the
///   queue limit per process of the comparison with Oban) runs at a time per process, in `--trials` (default 3)
///   trials, each in a new schema, reported by their median;
/// - claim latency p50/p99 (from the 1-process runs of every trial);
/// - request-to-start: a worker process follows the change feed and takes the `--requests` (default 1,500) run
///   requests that this process trickles, one every 20 ms; the latency is the request's `taken_at` − `requested_at`, both on the database's clock to the
///   microsecond (`requested_at` is stamped before the request commits, so the request's own flush to disk is part
///   of it), and, as the processes see it, from the call to submit to the take's return on the monotonic clock;
/// - a filtered page of 50 runs from a table of `--page-rows` (default 1,000,000) runs, p50/p99.
///
/// Everything runs in throw-away schemas that are removed at the end.
enum PostgresBenchmark {
    static func main(_ arguments: [String], url: DatabaseURL?) async -> Int32 {
        guard let url else {
            FileHandle.standardError.write(
                Data("agent-runner-pg bench: no database given: pass --database-url or set DATABASE_URL\n".utf8))
            return 2
        }
        var options = BenchOptions()
        do {
            options = try BenchOptions(arguments)
        } catch {
            FileHandle.standardError.write(Data("agent-runner-pg bench: \(error)\n".utf8))
            return 2
        }
        do {
            if let role = options.workerRole {
                return try await BenchWorker.run(role: role, url: url, options: options)
            }
            let report = try await BenchRun(url: url, options: options).measure()
            print(options.json ? report.json : report.table)
            return 0
        } catch {
            FileHandle.standardError.write(Data("agent-runner-pg bench: \(error)\n".utf8))
            return 1
        }
    }

    /// The value at a fraction of sorted samples.
    static func percentile(_ samples: [Double], _ fraction: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))]
    }
}

/// The bench's command line.
struct BenchOptions {
    var json = false
    var runs = 4_000
    var pageRows = 1_000_000
    var workerRole: String?
    var schema: String?
    var concurrency = 200
    var trials = 3
    var requests = 1_500

    init() {}

    init(_ arguments: [String]) throws {
        var index = 0
        func value() throws -> String {
            guard index + 1 < arguments.count else {
                throw StoreError(.invalidQuery, "\(arguments[index]) needs a value")
            }
            index += 1
            return arguments[index]
        }
        func number() throws -> Int {
            let text = try value()
            guard let number = Int(text), number > 0 else {
                throw StoreError(.invalidQuery, "\(arguments[index - 1]) needs a positive number, not \"\(text)\"")
            }
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--json": json = true
            case "--runs": runs = try number()
            case "--page-rows": pageRows = try number()
            case "--concurrency": concurrency = try number()
            case "--trials": trials = try number()
            case "--requests": requests = try number()
            case "--worker": workerRole = try value()
            case "--bench-schema": schema = try value()
            default:
                throw StoreError(
                    .invalidQuery,
                    "unknown option \(arguments[index]); "
                        + "use --json, --runs N, --page-rows N, --concurrency N, --trials N, --requests N")
            }
            index += 1
        }
    }
}
