import Testing
@testable import Engine

@Suite struct PriorityGateTests {
    /// CloudWatch's quota is per account and region: one `[[source]]` throttled hard must
    /// hold back the background work that reads it, and only that — verification of a
    /// calm account's groups goes on, and the held work goes on once its account recovers.
    @Test func aThrottledAccountHoldsBackOnlyTheWorkThatReadsIt() async throws {
        let shutdown = ShutdownSignal()
        let elasticsearch = StressTracker(side: "elasticsearch", minBackoff: 1, maxBackoff: 60)
        let throttled = StressTracker(side: "cloudwatch 111111111111:eu-central-1", minBackoff: 1, maxBackoff: 60, breakerThreshold: 100)
        let calm = StressTracker(side: "cloudwatch 222222222222:us-east-1", minBackoff: 1, maxBackoff: 60)
        for _ in 0..<3 { await throttled.failure("ThrottlingException") }
        let gate = PriorityGate(elasticsearch: elasticsearch, shutdown: shutdown)

        let held = Task { await gate.admit(.normal, reading: throttled) }
        let deadline = WallClock.monotonicSeconds() + 30
        while await gate.pauses[.normal] == nil && WallClock.monotonicSeconds() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(await gate.pauses[.normal] == 1, "verification reading the throttled account should wait")

        let calmAdmitted = await finishes(within: 30) { await gate.admit(.normal, reading: calm) }
        #expect(calmAdmitted, "verification reading a calm account waits for another account's throttling")
        #expect(await gate.pauses[.normal] == 1, "only the work reading the throttled account waited")

        for _ in 0..<3 { await throttled.success() }
        let released = await finishes(within: 30) { await held.value }
        #expect(released, "the held work did not go on once its account recovered")
        #expect(!shutdown.isRequested)
        shutdown.request()
    }
}
