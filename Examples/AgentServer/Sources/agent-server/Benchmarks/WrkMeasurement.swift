import AgentCore
import AgentScheduling
import Foundation

/// One wrk run against a URL: requests per second and latency percentiles, parsed from `wrk --latency`.
struct WrkMeasurement: Encodable {
    var url: String
    var requestsPerSecond: Double
    var p50Milliseconds: Double
    var p99Milliseconds: Double
    var non2xx: Int

    /// Runs wrk (Debian's `wrk`) with 2 threads and `connections` connections for `seconds`, as a child process
    /// whose output goes to a temporary file; it is killed if it has not ended 60 s after its run should have.
    /// - Throws: ``BenchError`` when wrk is missing, fails, hangs, or prints something unexpected.
    static func run(url: String, connections: Int, seconds: Int, headers: [String] = []) async throws -> WrkMeasurement
    {
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile)
        else { throw BenchError("wrk is not installed; on Debian: apt-get install wrk") }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("agent-server-wrk-\(UUID()).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = try ChildProcess(
            executable: URL(fileURLWithPath: wrk),
            arguments: ["-t2", "-c\(connections)", "-d\(seconds)s", "--latency"] + headers.flatMap { ["-H", $0] } + [
                url
            ],
            output: output)
        guard let exit = await process.waitForExit(timeout: .seconds(seconds + 60)) else {
            process.signal(SIGKILL)
            throw BenchError("wrk did not end within \(seconds + 60) s")
        }
        let data = (try? Data(contentsOf: output)) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        guard exit.exitStatus == 0 else { throw BenchError("wrk failed (\(exit)):\n\(text)") }
        guard let rate = number(after: "Requests/sec:", in: text), let p50 = latency(after: " 50%", in: text),
            let p99 = latency(after: " 99%", in: text)
        else { throw BenchError("cannot read wrk's output:\n\(text)") }
        let non2xx = number(after: "Non-2xx or 3xx responses:", in: text).map { Int($0) } ?? 0
        return WrkMeasurement(
            url: url, requestsPerSecond: rate, p50Milliseconds: p50, p99Milliseconds: p99, non2xx: non2xx)
    }

    private static func number(after label: String, in text: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        let rest = text[range.upperBound...].drop { $0 == " " }
        return Double(rest.prefix { !$0.isWhitespace })
    }

    /// A wrk latency such as `1.23ms`, `850.00us` or `1.02s`, in milliseconds.
    private static func latency(after label: String, in text: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        let token = text[range.upperBound...].drop { $0 == " " }.prefix { !$0.isWhitespace }
        let units: [(String, Double)] = [("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)]
        for (unit, factor) in units where token.hasSuffix(unit) {
            if let value = Double(token.dropLast(unit.count)) { return value * factor }
        }
        return nil
    }
}

/// Why the benchmark cannot go on.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
