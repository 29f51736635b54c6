import AgentCore
import Testing

@testable import AgentScheduling

/// The strict JSON parser of the configuration: positions, repeated keys, strictness, escapes, numbers.
struct JSONNodeParserTests {
    func error(_ text: String) -> String? {
        do {
            _ = try JSONNodeParser.parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func valuesKeepTheirPositionsAndMemberOrder() throws {
        let node = try JSONNodeParser.parse("{\n  \"b\": [1, 2.5, -3e2],\n  \"a\": {\"x\": \"é\", \"y\": null}\n}")
        guard case .object(let members) = node.value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a"])
        #expect(members[0].keyLine == 2 && members[0].keyColumn == 3)
        #expect(members[1].node.line == 3 && members[1].node.column == 8)
        #expect(node.jsonValue == ["b": [1, 2.5, -300.0], "a": ["x": "é", "y": nil]])
    }

    @Test(arguments: [
        ("{\"a\": 1, \"a\": 2}", "line 1, column 10: the key \"a\" appears twice in this object (first on line 1)"),
        ("{\"a\": 1,}", "line 1, column 9: trailing comma before '}'; remove the last ','"),
        ("[1, 2,]", "line 1, column 7: trailing comma before ']'; remove the last ','"),
        ("{\"a\": 1 // note\n}", "line 1, column 9: expected ',' or '}' after the value of \"a\", found '/'"),
        ("// note\n{}", "line 1, column 1: comments are not allowed in JSON; remove them"),
        ("{'a': 1}", "line 1, column 2: expected a member name in double quotes, found '''"),
        ("{\"a\": yes}", "line 1, column 7: expected a value, found 'y'"),
        ("{\"a\": \"x}", "line 1, column 10: a string is not closed before the end of the file"),
        ("{\"a\": 01}", "line 1, column 9: numbers must not have leading zeros"),
        ("{\"a\": 1}  x", "line 1, column 11: unexpected 'x' after the end of the document"),
        ("", "line 1, column 1: expected a value, found end of file"),
        ("{\"a\": \"\\q\"}", "line 1, column 8: invalid escape '\\q' in a string"),
        ("{\n\n  \"a\" 1}", "line 3, column 7: expected ':' after the member name \"a\", found '1'"),
    ])
    func syntaxErrorsSayWhereAndWhat(text: String, expected: String) {
        #expect(error(text) == expected)
    }

    @Test func escapesAndLargeNumbersAreRead() throws {
        let node = try JSONNodeParser.parse(
            #"["\u00e9\ud83d\ude00\n\t\"", 9223372036854775807, 9223372036854775808, 1.5e300]"#)
        #expect(node.jsonValue == ["é😀\n\t\"", .integer(.max), .double(9_223_372_036_854_775_808), 1.5e300])
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(error(text)?.contains("nesting is deeper than 200 levels") == true)
    }
}
