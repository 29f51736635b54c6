import AgentCore
import Foundation
import Testing

struct IdempotencyKeyTests {
    private func key(_ json: String, agent: AgentName = "nightly", date: String? = "2026-11-20", fire: Date? = nil)
        throws -> IdempotencyKey
    {
        IdempotencyKey.derive(
            agent: agent, parameters: try JSONValue.parse(json), businessDate: try date.map { try BusinessDate($0) },
            nominalFireTime: fire)
    }

    @Test func keyOrderAndWhitespaceDoNotChangeTheKey() throws {
        let compact = try key(#"{"repo":"api","depth":2,"flags":{"b":true,"a":null}}"#)
        let spaced = try key(
            """
            {
              "flags" : { "a" : null, "b" : true },
              "depth" : 2,
              "repo"  : "api"
            }
            """)
        #expect(compact == spaced)
    }

    @Test func anyDifferenceChangesTheKey() throws {
        let base = try key(#"{"repo":"api","depth":2}"#)
        let variants = [
            try key(#"{"repo":"api","depth":3}"#),
            try key(#"{"repo":"web","depth":2}"#),
            try key(#"{"repo":"api","depth":2,"extra":null}"#),
            try key(#"{"repo":"api","depth":"2"}"#),
            try key(#"{"repo":"api","depth":2}"#, agent: "other"),
            try key(#"{"repo":"api","depth":2}"#, date: "2026-11-21"),
            try key(#"{"repo":"api","depth":2}"#, date: nil),
            try key(#"{"repo":"api","depth":2}"#, fire: Date(timeIntervalSince1970: 1_800_000_000)),
        ]
        for variant in variants { #expect(variant != base) }
        #expect(Set(variants).count == variants.count)
    }

    @Test func theDerivationIsStableAcrossProcessesAndPlatforms() throws {
        // Pinned: the specified bytes "agent-runner/idempotency/v1\nnightly\n{"depth":2,"repo":"api"}\n2026-11-20\n"
        // hashed with SHA-256. Changing the derivation would silently break deduplication of stored runs.
        let derived = try key(#"{"repo":"api","depth":2}"#)
        let material = "agent-runner/idempotency/v1\nnightly\n{\"depth\":2,\"repo\":\"api\"}\n2026-11-20\n"
        #expect(derived.rawValue == "v1:" + SHA256.hexDigest(of: material.utf8))
        #expect(derived.rawValue.count == 67)
    }

    @Test func pinnedVectorsMatchAnIndependentImplementation() throws {
        // Computed with Python's hashlib over the specified material, for example
        // "agent-runner/idempotency/v1\nsim-12\nnull\n\n2026-01-01T00:00:00.000Z" for the first; the third has keys
        // whose UTF-16 order differs from their code-point order ("😀" before U+E000).
        let scheduled = IdempotencyKey.derive(
            agent: "sim-12", parameters: .null, businessDate: nil,
            nominalFireTime: Date(timeIntervalSince1970: 1_767_225_600))
        #expect(scheduled.rawValue == "v1:e010b222111bbff71e87d6fa0fd9789a2027066fd2628b4af708ee346bf31c22")
        let everything = try key(
            #"{"repo":"api","depth":2,"flags":{"b":true,"a":null}}"#,
            fire: Date(timeIntervalSince1970: 1_800_000_000.25))
        #expect(everything.rawValue == "v1:573f501b670c70f96e0710418c1fcad8bf0745fa642867c0486ce5b7d86c18fb")
        let unicode = IdempotencyKey.derive(
            agent: "nightly",
            parameters: [
                "é": "naïve \"quoted\"\n", "z": [0.25, -7, 1.0], "\u{E000}": nil, "😀": false,
            ],
            businessDate: nil, nominalFireTime: nil)
        #expect(unicode.rawValue == "v1:be50d2c290d81f5dd6b86299cb03d44f5fe0a1625dfb55ef74182819e75a40e7")
    }

    @Test func scheduledRequestsGetOneKeyPerFireTime() {
        let first = AgentRunRequest(
            agent: "nightly", trigger: .scheduled(at: Date(timeIntervalSince1970: 1_800_000_000)))
        let again = AgentRunRequest(
            agent: "nightly", trigger: .scheduled(at: Date(timeIntervalSince1970: 1_800_000_000)))
        let next = AgentRunRequest(
            agent: "nightly", trigger: .scheduled(at: Date(timeIntervalSince1970: 1_800_086_400)))
        #expect(first.idempotencyKey == again.idempotencyKey)
        #expect(first.idempotencyKey != next.idempotencyKey)
        #expect(first.correlationID != again.correlationID)
    }

    @Test func explicitKeysAreValidated() throws {
        #expect(try IdempotencyKey("order-42").rawValue == "order-42")
        #expect(throws: IdempotencyKeyError.self) { try IdempotencyKey("") }
        #expect(throws: IdempotencyKeyError.self) { try IdempotencyKey("line\nbreak") }
        #expect(throws: IdempotencyKeyError.self) { try IdempotencyKey(String(repeating: "k", count: 257)) }
    }
}

struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func matchesThePublishedVectors(_ message: String, _ digest: String) {
        #expect(SHA256.hexDigest(of: message.utf8) == digest)
    }

    @Test func matchesTheMillionAVector() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        let hex = hasher.finalize().map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        #expect(hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
