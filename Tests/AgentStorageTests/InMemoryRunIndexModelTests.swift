import AgentCore
import AgentStorage
import Foundation
import Testing

/// Checks ``InMemoryAgentStore`` (and the ``RunIndex`` behind it) against a tiny reference model, with runs
/// whose ids arrive out of order and idempotency keys shared by many runs.
struct InMemoryRunIndexModelTests {
    // MARK: Randomized model test

    @Test(
        "random operations give the same answers as the reference model",
        arguments: [1, 2, 3, 0xDEAD_BEEF] as [UInt64])
    func matchesTheReferenceModel(seed: UInt64) async throws {
        var session = ModelSession(seed: seed)
        for _ in 0..<2_000 { try await session.step() }
        try await session.compareEverything()
        // The random mix must have reached every rule, or a passing run proves little.
        let missing = ModelSession.requiredEvents.subtracting(session.events)
        #expect(missing.isEmpty, "seed \(seed): these cases never happened: \(missing.sorted())")
    }

    // MARK: Examples

    @Test func runsInsertedInShuffledOrderComeBackNewestFirst() async throws {
        let clock = ManualClock(yieldsPerWake: 0)
        let store = InMemoryAgentStore(clock: clock)
        let agents: [AgentName] = ["alpha", "beta", "gamma"]
        // One generator at rising times: its ids are in creation order (several share a millisecond).
        let ids = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 7))
        var records: [RunRecord] = []
        for number in 0..<60 {
            let created = clock.now.addingTimeInterval(Double(number / 3))
            let request = AgentRunRequest(agent: agents[number % agents.count])
            records.append(RunRecord(id: ids.next(at: created), request: request, queuedAt: created))
        }
        var random = SeededRandomNumberGenerator(seed: 8)
        let shuffled = records.shuffled(using: &random)
        #expect(shuffled.map(\.id) != records.map(\.id))
        for record in shuffled { try await store.insertRun(record) }

        let newestFirst = records.map(\.id).reversed() as [RunID]
        let all = try await store.queryRuns(RunQuery(limit: 100))
        #expect(all.records.map(\.id) == newestFirst)
        #expect(all.nextCursor == nil)
        for agent in agents {
            let page = try await store.queryRuns(RunQuery(agent: agent, limit: 100))
            #expect(page.records.map(\.id) == records.filter { $0.agentName == agent }.map(\.id).reversed())
        }

        var visited: [RunID] = []
        var cursor: RunCursor?
        var pages = 0
        repeat {
            let page = try await store.queryRuns(RunQuery(limit: 7, cursor: cursor))
            #expect(!page.records.isEmpty)
            visited += page.records.map(\.id)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages <= 20
        #expect(visited == newestFirst)
        #expect(Set(visited).count == records.count)
        #expect(pages == 9)
    }

    @Test func theNewestSettledRunOfAKeyMakesLaterClaimsDuplicates() async throws {
        let clock = ManualClock(yieldsPerWake: 0)
        let store = InMemoryAgentStore(clock: clock)
        let ids = RunIDGenerator(random: SeededRandomNumberGenerator(seed: 11))
        let request = AgentRunRequest(agent: "alpha", idempotencyKey: try IdempotencyKey("report-2026-01-01"))
        func claim() async throws -> RunClaimOutcome {
            let record = RunRecord(id: ids.next(at: clock.now), request: request, queuedAt: clock.now)
            return try await store.claimRun(RunClaim(record: record, owner: "worker", leaseDuration: .seconds(30)))
        }
        func finish(_ record: RunRecord, as status: RunStatus) async throws -> RunRecord {
            var finished = record
            finished.status = status
            finished.endedAt = Timestamp.roundedToMilliseconds(clock.now)
            try await store.updateRun(finished)
            return finished
        }
        /// A record with the same key, created `offset` from now by a generator of its own.
        func settled(createdIn offset: TimeInterval, seed: UInt64) -> RunRecord {
            let created = clock.now.addingTimeInterval(offset)
            let id = RunIDGenerator(random: SeededRandomNumberGenerator(seed: seed)).next(at: created)
            var record = RunRecord(id: id, request: request, status: .succeeded, queuedAt: created)
            record.endedAt = record.queuedAt
            return record
        }

        let first = try #require(Self.claimed(try await claim()))
        let failed = try await finish(first, as: .failed)
        await clock.advance(by: .seconds(1))
        // `failed` is not in the default settled statuses, so the key may run again.
        let second = try #require(Self.claimed(try await claim()))
        #expect(second.id > failed.id)
        let succeeded = try await finish(second, as: .succeeded)
        await clock.advance(by: .seconds(1))
        #expect(try await claim() == .duplicate(of: succeeded))

        // An older succeeded run of the key, inserted afterwards, does not replace the newest one.
        let older = settled(createdIn: -3_600, seed: 12)
        try await store.insertRun(older)
        #expect(try await claim() == .duplicate(of: succeeded))
        let byKey = try await store.queryRuns(RunQuery(idempotencyKey: request.idempotencyKey))
        #expect(byKey.records.map(\.id) == [succeeded.id, failed.id, older.id])

        // A newer one, inserted the same way, does.
        let newer = settled(createdIn: 3_600, seed: 13)
        try await store.insertRun(newer)
        #expect(try await claim() == .duplicate(of: newer))
        let byAgentAndKey = try await store.queryRuns(
            RunQuery(agent: "alpha", idempotencyKey: request.idempotencyKey, limit: 2))
        #expect(byAgentAndKey.records.map(\.id) == [newer.id, succeeded.id])
        #expect(byAgentAndKey.nextCursor == .after(succeeded.id))
        #expect(store.runCount == 4)
    }

    private static func claimed(_ outcome: RunClaimOutcome) -> RunRecord? {
        if case .claimed(let record) = outcome { record } else { nil }
    }
}

// MARK: - Reference model

/// What an operation returned, or the code of the ``StoreError`` it threw.
private enum Outcome<Value: Hashable>: Hashable {
    case value(Value)
    case error(StoreError.Code)
}

/// The value of an operation that returns nothing.
private struct Done: Hashable {}

/// The reference: every record in one array, oldest run id first, and each rule of ``RunStore`` written out
/// as plainly as possible. Every operation is a linear scan: slow and obviously right.
private struct ReferenceStore {
    /// Every record, in run-id order.
    private(set) var records: [RunRecord] = []
    /// How many runs claims have abandoned on the way (to see that the random mix reaches that rule).
    private(set) var abandonedByClaims = 0

    func run(id: RunID) -> RunRecord? { records.first { $0.id == id } }

    mutating func claim(_ claim: RunClaim, now: Date) -> Outcome<RunClaimOutcome> {
        guard run(id: claim.record.id) == nil else { return .error(.duplicateRunID) }
        let sameKey = records.indices.filter {
            records[$0].agentName == claim.record.agentName
                && records[$0].idempotencyKey == claim.record.idempotencyKey
        }
        // 1. A settled run makes the claim a duplicate of the newest settled one.
        if let newest = sameKey.last(where: { claim.settledStatuses.contains(records[$0].status) }) {
            return .value(.duplicate(of: records[newest]))
        }
        // 2. Oldest first: an unfinished run with a live lease, or awaiting approval, is in progress; an expired one
        //    is abandoned.
        for index in sameKey where !records[index].status.isTerminal {
            if Self.leaseIsLive(records[index], at: now) || records[index].status == .awaitingApproval {
                return .value(.inProgress(records[index]))
            }
            Self.abandon(&records[index], now: now)
            abandonedByClaims += 1
        }
        // 3. Otherwise the run is stored with the claimant's lease.
        var record = claim.record
        record.leaseOwner = claim.owner
        record.leaseExpiresAt = Timestamp.roundedToMilliseconds(
            now.addingTimeInterval(claim.leaseDuration.timeInterval))
        add(record)
        return .value(.claimed(record))
    }

    mutating func insert(_ record: RunRecord) -> Outcome<Done> {
        guard run(id: record.id) == nil else { return .error(.duplicateRunID) }
        add(record)
        return .value(Done())
    }

    mutating func update(_ record: RunRecord) -> Outcome<Done> {
        guard let index = records.firstIndex(where: { $0.id == record.id }) else { return .error(.runNotFound) }
        let stored = records[index]
        if stored.agentName != record.agentName || stored.idempotencyKey != record.idempotencyKey {
            return .error(.invalidRecord)
        }
        if stored.status.isTerminal && stored.status != record.status { return .error(.terminalRecordImmutable) }
        records[index] = record
        return .value(Done())
    }

    mutating func renewLease(id: RunID, owner: String, duration: Duration, now: Date) -> Outcome<RunRecord> {
        guard let index = records.firstIndex(where: { $0.id == id }) else { return .error(.runNotFound) }
        if records[index].status.isTerminal || records[index].leaseOwner != owner { return .error(.leaseNotHeld) }
        records[index].leaseExpiresAt = Timestamp.roundedToMilliseconds(now.addingTimeInterval(duration.timeInterval))
        return .value(records[index])
    }

    /// Queued and running runs with an expired lease; runs awaiting approval wait for a person, not a lease.
    mutating func abandonExpiredRuns(now: Date) -> [RunRecord] {
        var abandoned: [RunRecord] = []
        for index in records.indices
        where [.queued, .running].contains(records[index].status) && !Self.leaseIsLive(records[index], at: now) {
            Self.abandon(&records[index], now: now)
            abandoned.append(records[index])
        }
        return abandoned
    }

    func queryRuns(_ query: RunQuery) -> Outcome<RunPage> {
        guard query.limit >= 1 && query.limit <= RunQuery.maximumLimit else { return .error(.invalidQuery) }
        var after: RunID?
        if let cursor = query.cursor {
            guard let id = try? cursor.runID() else { return .error(.invalidCursor) }
            after = id
        }
        var page: [RunRecord] = []
        for record in records.reversed() {
            if let after, record.id >= after { continue }
            guard Self.matches(record, query) else { continue }
            if page.count == query.limit {
                return .value(RunPage(records: page, nextCursor: .after(page[page.count - 1].id)))
            }
            page.append(record)
        }
        return .value(RunPage(records: page, nextCursor: nil))
    }

    private mutating func add(_ record: RunRecord) {
        records.insert(record, at: records.firstIndex { $0.id > record.id } ?? records.count)
    }

    private static func matches(_ record: RunRecord, _ query: RunQuery) -> Bool {
        if let agent = query.agent, record.agentName != agent { return false }
        if let statuses = query.statuses, !statuses.contains(record.status) { return false }
        if let key = query.idempotencyKey, record.idempotencyKey != key { return false }
        if let since = query.queuedSince, record.queuedAt < since { return false }
        if let before = query.queuedBefore, record.queuedAt >= before { return false }
        return true
    }

    private static func leaseIsLive(_ record: RunRecord, at now: Date) -> Bool {
        guard let expiry = record.leaseExpiresAt else { return false }
        return expiry > now
    }

    private static func abandon(_ record: inout RunRecord, now: Date) {
        RunIndex.markAbandoned(&record, now: now)  // for the exact wording of the message
        record.status = .abandoned
        record.endedAt = Timestamp.roundedToMilliseconds(now)
        record.errorClass = .transient
    }
}

/// Runs a store operation and keeps its value or the code of the ``StoreError`` it threw.
private nonisolated(nonsending) func outcome<Value: Hashable>(
    _ body: () async throws -> Value
) async throws -> Outcome<Value> {
    do {
        return .value(try await body())
    } catch let error as StoreError {
        return .error(error.code)
    }
}

/// Runs a store operation that returns nothing and keeps the code of the ``StoreError`` it threw.
private nonisolated(nonsending) func outcome(_ body: () async throws -> Void) async throws -> Outcome<Done> {
    try await outcome { () async throws -> Done in
        try await body()
        return Done()
    }
}

// MARK: - Random operations

/// One seeded sequence of random operations applied to the store and to the model side by side.
private struct ModelSession {
    /// The cases a session must reach.
    static let requiredEvents: Set<String> = [
        "claimed", "duplicate", "inProgress", "claim-abandoned-earlier", "claim-duplicateRunID",
        "insert-out-of-order", "insert-duplicateRunID", "update", "update-terminalRecordImmutable",
        "update-runNotFound", "update-invalidRecord", "renew", "renew-leaseNotHeld", "renew-runNotFound",
        "abandoned", "query-multi-page", "query-cursor-continued", "query-invalidQuery", "query-invalidCursor",
    ]

    let seed: UInt64
    private var random: SeededRandomNumberGenerator
    private let clock = ManualClock(yieldsPerWake: 0)
    private let store: InMemoryAgentStore
    private var model = ReferenceStore()
    /// Ids at the clock's time, in order, for most claims.
    private let claimIDs: RunIDGenerator
    private var number = 0
    private var history: [String] = []
    /// A paged query stopped half-way, continued by a later step while runs change.
    private var openQuery: RunQuery?
    private(set) var events: Set<String> = []

    private static let agents: [AgentName] = ["alpha", "beta", "gamma"]
    private static let owners = ["worker-1", "worker-2", "worker-3"]

    init(seed: UInt64) {
        self.seed = seed
        random = SeededRandomNumberGenerator(seed: seed)
        store = InMemoryAgentStore(clock: clock)
        claimIDs = RunIDGenerator(random: SeededRandomNumberGenerator(seed: seed &+ 1))
    }

    mutating func step() async throws {
        number += 1
        let roll = pick(100)
        switch roll {
        case 0..<30: try await claim()
        case 30..<40: try await insert()
        case 40..<58: try await update()
        case 58..<66: try await renew()
        case 66..<70: try await abandon()
        case 70..<80: await advance()
        case 80..<86: try await fetch()
        case 86..<97: try await query()
        default: try await continueOpenQuery()
        }
        try check(store.runCount, model.records.count, "runCount")
    }

    /// Compares the whole store at the end: one listing of every run, and a lookup of each.
    mutating func compareEverything() async throws {
        let all = try await store.queryRuns(RunQuery(limit: RunQuery.maximumLimit))
        try check(all, RunPage(records: model.records.reversed(), nextCursor: nil), "final listing of every run")
        for record in model.records {
            try check(try await store.run(id: record.id), record, "final run(id: \(record.id))")
        }
    }

    // MARK: Operations

    private mutating func claim() async throws {
        var id = claimIDs.next(at: clock.now)
        if chance(25) { id = freshID() }
        if chance(3), let existing = existingID() { id = existing }
        let record = RunRecord(id: id, request: request(agent: anyAgent(), key: try anyKey()), queuedAt: clock.now)
        let settled: Set<RunStatus> =
            chance(85) ? [.succeeded, .noOp] : Set(RunStatus.allCases.filter(\.isTerminal))
        let claim = RunClaim(
            record: record, owner: anyOwner(), leaseDuration: .milliseconds(1_000 + pick(59_000)),
            settledStatuses: settled)
        log("claim \(id) \(record.agentName)/\(record.idempotencyKey) settled: \(settled.map(\.rawValue).sorted())")
        let abandonedBefore = model.abandonedByClaims
        let expected = model.claim(claim, now: clock.now)
        let actual = try await outcome { try await store.claimRun(claim) }
        try check(actual, expected, "claim")
        switch expected {
        case .value(.claimed): events.insert("claimed")
        case .value(.duplicate): events.insert("duplicate")
        case .value(.inProgress): events.insert("inProgress")
        case .error(let code): events.insert("claim-\(code)")
        }
        if model.abandonedByClaims > abandonedBefore { events.insert("claim-abandoned-earlier") }
    }

    private mutating func insert() async throws {
        var id = freshID()
        if chance(4), let existing = existingID() { id = existing }
        let status = RunStatus.allCases[pick(RunStatus.allCases.count)]
        var record = RunRecord(
            id: id, request: request(agent: anyAgent(), key: try anyKey()), status: status, queuedAt: id.timestamp)
        if chance(70) {
            record.leaseOwner = anyOwner()
            record.leaseExpiresAt = Timestamp.roundedToMilliseconds(
                clock.now.addingTimeInterval(Double(pick(120_000)) / 1_000 - 60))
        }
        if status.isTerminal { record.endedAt = record.queuedAt }
        if let newest = model.records.last, id < newest.id { events.insert("insert-out-of-order") }
        log("insert \(id) \(record.agentName)/\(record.idempotencyKey) \(status)")
        let expected = model.insert(record)
        let actual = try await outcome { try await store.insertRun(record) }
        try check(actual, expected, "insert")
        if case .error(let code) = expected { events.insert("insert-\(code)") }
    }

    private mutating func update() async throws {
        guard let id = existingID(preferringUnfinished: true) else { return }
        var record = try #require(model.run(id: id))
        let choices: [RunStatus] = [
            .running, .running, .awaitingApproval, .queued, .succeeded, .failed, .failed, .noOp, .cancelled,
            .timedOut, .skipped, .abandoned, record.status, record.status,
        ]
        record.status = choices[pick(choices.count)]
        if record.status == .running { record.startedAt = Timestamp.roundedToMilliseconds(clock.now) }
        if record.status.isTerminal { record.endedAt = Timestamp.roundedToMilliseconds(clock.now) }
        record.summary = "step \(number)"
        if chance(4) { record = RunRecord(id: freshID(), request: record.request, queuedAt: clock.now) }
        if chance(4) { record.idempotencyKey = try IdempotencyKey("moved-\(number)") }
        if chance(2) { record.agentName = "delta" }
        log("update \(record.id) to \(record.status)")
        let expected = model.update(record)
        let actual = try await outcome { try await store.updateRun(record) }
        try check(actual, expected, "update")
        switch expected {
        case .value: events.insert("update")
        case .error(let code): events.insert("update-\(code)")
        }
    }

    private mutating func renew() async throws {
        guard var id = existingID(preferringUnfinished: true) else { return }
        if chance(5) { id = freshID() }
        let current = model.run(id: id)
        let owner = chance(60) ? current?.leaseOwner ?? anyOwner() : anyOwner()
        let duration = Duration.milliseconds(pick(60_000))
        log("renew \(id) by \(owner) for \(duration)")
        let expected = model.renewLease(id: id, owner: owner, duration: duration, now: clock.now)
        let actual = try await outcome { try await store.renewRunLease(id: id, owner: owner, duration: duration) }
        try check(actual, expected, "renewRunLease")
        switch expected {
        case .value: events.insert("renew")
        case .error(let code): events.insert("renew-\(code)")
        }
    }

    private mutating func abandon() async throws {
        log("abandonExpiredRuns")
        let expected = model.abandonExpiredRuns(now: clock.now)
        let actual = try await store.abandonExpiredRuns()
        try check(actual, expected, "abandonExpiredRuns")
        if !expected.isEmpty { events.insert("abandoned") }
    }

    private mutating func advance() async {
        // Sometimes exactly to the end of a lease, where it is no longer live.
        if chance(20), let expiry = model.records.compactMap(\.leaseExpiresAt).filter({ $0 > clock.now }).min() {
            log("advance to \(Timestamp.format(expiry))")
            await clock.advance(to: expiry)
            return
        }
        // Mostly whole milliseconds; sometimes a fraction, so lease expiries are rounded.
        let duration: Duration = chance(15) ? .microseconds(pick(5_000)) : .milliseconds(pick(40_000))
        log("advance by \(duration)")
        await clock.advance(by: duration)
    }

    private mutating func fetch() async throws {
        let id = chance(85) ? existingID() ?? freshID() : freshID()
        log("run(id: \(id))")
        let actual = try await store.run(id: id)
        try check(actual, model.run(id: id), "run(id:)")
    }

    private mutating func query() async throws {
        var query = RunQuery(limit: [1, 2, 3, 5, 8, 20, 60][pick(7)])
        if chance(50) { query.agent = anyAgent() }
        if chance(35) { query.idempotencyKey = try anyKey() }
        if chance(35) {
            query.statuses = Set((0...pick(3)).map { _ in RunStatus.allCases[pick(RunStatus.allCases.count)] })
        }
        if chance(10) { query.queuedSince = clock.now.addingTimeInterval(Double(pick(7_200)) - 3_600) }
        if chance(10) { query.queuedBefore = clock.now.addingTimeInterval(Double(pick(7_200)) - 3_600) }
        if chance(10), let id = chance(50) ? existingID() : freshID() { query.cursor = .after(id) }
        if chance(3) { query.limit = chance(50) ? 0 : RunQuery.maximumLimit + 1 }
        if chance(3) { query.cursor = RunCursor(token: "page-2") }
        log("query \(query)")
        var pages = 0
        while true {
            let expected = model.queryRuns(query)
            let actual = try await outcome { try await store.queryRuns(query) }
            try check(actual, expected, "queryRuns page \(pages + 1)")
            pages += 1
            guard case .value(let page) = expected else {
                if case .error(let code) = expected { events.insert("query-\(code)") }
                return
            }
            guard let next = page.nextCursor else { break }
            query.cursor = next
            if chance(15) {
                openQuery = query
                return
            }
        }
        if pages > 1 { events.insert("query-multi-page") }
    }

    private mutating func continueOpenQuery() async throws {
        guard let pending = openQuery else { return try await query() }
        log("continue query \(pending)")
        let expected = model.queryRuns(pending)
        let actual = try await outcome { try await store.queryRuns(pending) }
        try check(actual, expected, "continued queryRuns")
        events.insert("query-cursor-continued")
        if case .value(let page) = expected, let next = page.nextCursor {
            openQuery?.cursor = next
        } else {
            openQuery = nil
        }
    }

    // MARK: Helpers

    /// Stops the session at the first answer of the store that differs from the model's, naming the seed, the
    /// step and the operations that led there.
    private func check<Value: Equatable>(
        _ actual: Value, _ expected: Value, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        guard actual != expected else { return }
        try #require(
            actual == expected,
            """
            seed \(seed), step \(number): \(what) differs from the model; the last operations were:
            \(history.joined(separator: "\n"))
            """,
            sourceLocation: sourceLocation)
    }

    private mutating func log(_ operation: String) {
        history.append("\(number): \(operation) at \(Timestamp.format(clock.now))")
        if history.count > 12 { history.removeFirst() }
    }

    private mutating func pick(_ count: Int) -> Int { Int(random.next(upperBound: UInt64(count))) }

    private mutating func chance(_ percent: Int) -> Bool { pick(100) < percent }

    private mutating func anyAgent() -> AgentName { Self.agents[pick(Self.agents.count)] }

    private mutating func anyOwner() -> String { Self.owners[pick(Self.owners.count)] }

    /// A few keys in use at a time, moving on slowly, so keys repeat but new ones keep coming.
    private mutating func anyKey() throws -> IdempotencyKey {
        try IdempotencyKey("key-\(number / 100 + pick(5))")
    }

    private func request(agent: AgentName, key: IdempotencyKey) -> AgentRunRequest {
        AgentRunRequest(agent: agent, correlationID: "model", idempotencyKey: key)
    }

    /// A new id created up to an hour before or after now, from a generator of its own so it may sort
    /// anywhere among the stored ones.
    private mutating func freshID() -> RunID {
        while true {
            let created = clock.now.addingTimeInterval(Double(pick(7_200_001)) / 1_000 - 3_600)
            let id = RunIDGenerator(random: SeededRandomNumberGenerator(seed: random.next())).next(at: created)
            if model.run(id: id) == nil { return id }
        }
    }

    /// A stored run id; with `preferringUnfinished`, mostly one of a queued, running or awaiting run.
    private mutating func existingID(preferringUnfinished: Bool = false) -> RunID? {
        if preferringUnfinished && chance(60) {
            let unfinished = model.records.indices.filter { !model.records[$0].status.isTerminal }
            if !unfinished.isEmpty { return model.records[unfinished[pick(unfinished.count)]].id }
        }
        return model.records.isEmpty ? nil : model.records[pick(model.records.count)].id
    }
}
