import AgentCore
import AgentStorage
import Testing

struct InMemoryStoreConformanceTests {
    @Test(arguments: StoreConformanceSuite.checkNames)
    func passesTheConformanceCheck(_ check: String) async throws {
        let passed = try await StoreConformanceSuite.run(only: [check]) { clock in InMemoryAgentStore(clock: clock) }
        #expect(passed == [check])
    }
}
