import Foundation
import PostgresAgentStore

/// A benchmark worker: this program started again with `bench --worker …`, its output in a temporary file.
final class BenchProcess {
    let process = Process()
    let output: URL

    init(_ arguments: [String], url: DatabaseURL) throws {
        output = FileManager.default.temporaryDirectory.appendingPathComponent("agent-runner-pg-bench-\(UUID()).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        process.arguments = ["bench"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = url.connectionText
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    deinit { try? FileManager.default.removeItem(at: output) }

    var printed: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Waits (at most `deadline` seconds) until the output holds `text`.
    func waitForLine(containing text: String, deadline: Double) async throws {
        let limit = ContinuousClock.now + .milliseconds(Int(deadline * 1000))
        while !printed.contains(text) {
            guard process.isRunning, ContinuousClock.now < limit else {
                throw BenchFailure(message: "a bench worker did not print \"\(text)\": \(printed)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits (at most `deadline` seconds) for the worker to end successfully.
    /// - Returns: Its last output line.
    func finish(deadline: Double) async throws -> String {
        let limit = ContinuousClock.now + .milliseconds(Int(deadline * 1000))
        while process.isRunning {
            guard ContinuousClock.now < limit else {
                process.terminate()
                throw BenchFailure(message: "a bench worker did not finish within \(Int(deadline)) s")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        guard process.terminationStatus == 0 else {
            throw BenchFailure(message: "a bench worker failed (\(process.terminationStatus)): \(printed)")
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
