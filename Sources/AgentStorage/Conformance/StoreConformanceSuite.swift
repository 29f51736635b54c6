import AgentCore
import Foundation

/// Checks that an ``AgentStore`` behaves as the storage protocols promise, so a third-party store
/// (PostgreSQL, SQLite, …) can prove itself with one call.
///
/// The suite imports no test framework: it throws a ``StoreConformanceFailure`` naming the check and
/// what differed, so it runs from Swift Testing, XCTest or a plain executable.
///
/// ```swift
/// @Test func myStoreConforms() async throws {
///     try await StoreConformanceSuite.run { clock in try MyStore(clock: clock) }
/// }
/// ```
///
/// The factory receives a ``ManualClock``; the store must read lease expiry from it. Each check gets
/// a fresh, empty store.
///
/// A store that several processes share should also pass `makePeer`: a second handle on the same storage (the
/// same directory opened again, a second connection pool), so that the checks of atomic updates, requests, the
/// change feed and presence run across two handles as they would across two processes.
///
/// ```swift
/// try await StoreConformanceSuite.run(
///     makeStore: { clock in try await MyStore.open(url, clock: clock) },
///     makePeer: { _, clock in try await MyStore.open(url, clock: clock) })
/// ```
public enum StoreConformanceSuite {
    /// A function that makes a fresh, empty store reading time from the given clock.
    public typealias StoreFactory = @Sendable (ManualClock) async throws -> any AgentStore
    /// A function that opens a second handle on the storage of the given store, reading time from the same clock.
    public typealias PeerFactory = @Sendable (any AgentStore, ManualClock) async throws -> any AgentStore

    /// The names of all checks, in the order they run.
    public static var checkNames: [String] { checks.map(\.name) }

    /// Runs every check (or the named ones).
    /// - Parameters:
    ///   - only: The names of the checks to run; all when `nil`.
    ///   - makeStore: Makes a fresh, empty store per check.
    ///   - makePeer: Opens a second handle on a store's storage; without it the checks use the store itself.
    /// - Returns: The names of the checks that passed.
    /// - Throws: ``StoreConformanceFailure`` for the first check that fails, or the store's own error.
    @discardableResult
    public static func run(
        only: Set<String>? = nil, makeStore: StoreFactory, makePeer: PeerFactory? = nil
    ) async throws -> [String] {
        try await execute(
            checks.map { check in
                (
                    check.name,
                    { store, peer, clock in try await check.body(Fixture(store: store, peer: peer, clock: clock)) }
                )
            },
            only: only, makeStore: makeStore, makePeer: makePeer)
    }

    /// Runs named checks, each on a fresh store (and peer) over a new ``ManualClock``.
    /// - Returns: The names of the checks that passed.
    /// - Throws: ``StoreConformanceFailure`` for the first check that fails.
    static func execute<Handle: Sendable>(
        _ checks: [(name: String, body: @Sendable (Handle, Handle, ManualClock) async throws -> Void)],
        only: Set<String>?, makeStore: @Sendable (ManualClock) async throws -> Handle,
        makePeer: (@Sendable (Handle, ManualClock) async throws -> Handle)?
    ) async throws -> [String] {
        var passed: [String] = []
        for check in checks where only?.contains(check.name) ?? true {
            let clock = ManualClock(start: Date(timeIntervalSince1970: 1_767_225_600))
            let store = try await makeStore(clock)
            let peer = try await makePeer?(store, clock) ?? store
            do {
                try await check.body(store, peer, clock)
            } catch let failure as StoreConformanceFailure {
                throw failure
            } catch {
                throw StoreConformanceFailure(check: check.name, message: "unexpected error: \(error)")
            }
            passed.append(check.name)
        }
        return passed
    }

    private struct Check: Sendable {
        let name: String
        let body: @Sendable (Fixture) async throws -> Void
    }

    private static let checks: [Check] = [
        Check(name: "insertGetUpdate", body: insertGetUpdate),
        Check(name: "updateRules", body: updateRules),
        Check(name: "claimLifecycle", body: claimLifecycle),
        Check(name: "claimScopesKeysByAgent", body: claimScopesKeysByAgent),
        Check(name: "claimUnderContention", body: claimUnderContention),
        Check(name: "expiredLeaseIsReclaimed", body: expiredLeaseIsReclaimed),
        Check(name: "runLeaseRenewal", body: runLeaseRenewal),
        Check(name: "recordsKeepEveryCharacter", body: recordsKeepEveryCharacter),
        Check(name: "abandonExpiredRuns", body: abandonExpiredRuns),
        Check(name: "queryFiltersAndOrder", body: queryFiltersAndOrder),
        Check(name: "cursorPagingHasNoGapsOrRepeats", body: cursorPaging),
        Check(name: "queryValidation", body: queryValidation),
        Check(name: "namedLeases", body: namedLeases),
        Check(name: "scheduleStates", body: scheduleStates),
        Check(name: "scheduleStateAtomicUpdate", body: scheduleStateAtomicUpdate),
        Check(name: "scheduleOverride", body: scheduleOverride),
        Check(name: "changeFeedOrderAndResume", body: changeFeedOrderAndResume),
        Check(name: "changeFeedWakesWaiters", body: changeFeedWakesWaiters),
        Check(name: "controlRequests", body: controlRequests),
        Check(name: "presenceExpiry", body: presenceExpiry),
        Check(name: "markRunNotifiedOnce", body: markRunNotifiedOnce),
    ]
}

/// A failed conformance check: which one and what differed.
public struct StoreConformanceFailure: Error, Sendable, CustomStringConvertible {
    /// The check's name (see ``StoreConformanceSuite/checkNames``).
    public let check: String
    /// What was expected and what happened.
    public let message: String

    /// Creates a failure.
    /// - Parameters:
    ///   - check: The check's name.
    ///   - message: What was expected and what happened.
    public init(check: String, message: String) {
        self.check = check
        self.message = message
    }

    /// `store conformance check "claimLifecycle" failed: …`
    public var description: String { "store conformance check \"\(check)\" failed: \(message)" }
}
