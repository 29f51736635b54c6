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
