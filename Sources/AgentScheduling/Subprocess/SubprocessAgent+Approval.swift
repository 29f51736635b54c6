import AgentCore
import Foundation

extension SubprocessAgent {
    /// The first match of the approval pattern in the captured output (the last lines first, where tools print
    /// the pull request they opened), or `nil`.
    func approvalMatch(_ output: OutputCapture.Result) -> String? {
        guard let pattern = configuration.approvalPattern,
            let expression = try? NSRegularExpression(pattern: pattern)
        else { return nil }
        let lines =
            [output.lastStderrLine, output.lastStdoutLine].compactMap(\.self) + output.tailLines.reversed()
            + output.headLines
        for line in lines {
            let range = NSRange(line.startIndex..., in: line)
            if let match = expression.firstMatch(in: line, range: range), let found = Range(match.range, in: line) {
                return String(line[found])
            }
        }
        return nil
    }
}
