import AgentScheduling
import Foundation
import PostgresAgentStore

/// A benchmark worker: this program started again with `bench --worker …`, its output in a temporary file.
final class BenchProcess {
    let process: ChildProcess
    let output: URL

    init(_ arguments: [String], url: DatabaseURL) throws {
        output = FileManager.default.temporaryDirectory.appendingPathComponent("agent-runner-pg-bench-\(UUID()).out")
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = url.connectionText
        process = try ChildProcess(
            executable: URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]), arguments: ["bench"] + arguments,
            environment: environment, output: output)
    }

    deinit { try? FileManager.default.removeItem(at: output) }

    var printed: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Waits (at most `deadline` seconds) until the output holds `text`.
    func waitForLine(containing text: String, deadline: Double) async throws {
        let limit = ContinuousClock.now + .milliseconds(Int(deadline * 1000))
        while !printed.contains(text) {
            guard process.exit == nil, ContinuousClock.now < limit else {
                throw BenchFailure(message: "a bench worker did not print \"\(text)\": \(printed)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits (at most `deadline` seconds) for the worker to end successfully.
    /// - Returns: Its last output line.
    func finish(deadline: Double) async throws -> String {
        guard let exit = await process.waitForExit(timeout: .milliseconds(Int(deadline * 1000))) else {
            process.signal(SIGKILL)
            throw BenchFailure(message: "a bench worker did not finish within \(Int(deadline)) s")
        }
        guard exit.exitStatus == 0 else {
            throw BenchFailure(message: "a bench worker failed (\(exit)): \(printed)")
        }
        return printed.split(separator: "\n").last.map(String.init) ?? ""
    }

    /// A number field of a one-line JSON object.
    static func number(_ line: String, _ key: String) -> Double? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return nil
        }
        return (object[key] as? NSNumber)?.doubleValue
    }
}

/// A benchmark step failed.
struct BenchFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
