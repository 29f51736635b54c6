import AgentCore
import Foundation
import Testing

struct AgentNameTests {
    @Test(arguments: ["a", "nightly-review", "docs.digest_v2", "0agent", String(repeating: "x", count: 63)])
    func acceptsValidNames(_ text: String) throws {
        #expect(try AgentName(text).rawValue == text)
    }

    @Test(arguments: [
        ("", "must not be empty"),
        (String(repeating: "x", count: 64), "at most 63 characters"),
        ("-leading-dash", "must start with a letter or a digit"),
        (".hidden", "must start with a letter or a digit"),
        ("a/b", "'/' at position 2"),
        ("has space", "' ' at position 4"),
        ("naïve", "non-ASCII"),
        ("tab\tname", "control character"),
    ])
    func rejectsInvalidNamesWithAReason(_ text: String, _ reason: String) {
        #expect {
            try AgentName(text)
        } throws: { error in
            guard let error = error as? AgentNameError else { return false }
            return error.description.contains(reason) && error.description.contains("invalid agent name")
        }
    }

    @Test func decodingValidatesTheName() throws {
        let decoder = JSONDecoder()
        #expect(try decoder.decode(AgentName.self, from: Data("\"ok-name\"".utf8)) == "ok-name")
        #expect(throws: DecodingError.self) { try decoder.decode(AgentName.self, from: Data("\"../etc\"".utf8)) }
    }
}
