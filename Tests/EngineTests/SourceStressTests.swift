import Testing
@testable import Engine

/// Each account and region has its own breaker and its own stall watch: the daemon's
/// watchdog and metrics go through every routed source's tracker, each named after it.
@Suite struct SourceStressTests {
    @Test func everyRoutedSourceHasATrackerOfItsOwn() async {
        let transport = ScriptedCloudWatch([])
        let home = transport.client()
        let other = CloudWatchLogsClient(transport: transport, endpoint: "http://logs.test", region: "eu-central-1", credentials: CountingCredentials(),
                                         timeoutSeconds: 5, retry: .cloudWatch(Backoff(baseMillis: 1, maxMillis: 4)),
                                         budget: RequestBudget(ratePerSecond: 5), side: "cloudwatch 111122223333:eu-central-1")
        #expect(home.addRoute("111122223333:eu-central-1", other))
        var sides: [String] = []
        for tracker in home.trackers { sides.append(await tracker.side) }
        #expect(sides == ["cloudwatch", "cloudwatch 111122223333:eu-central-1"])
        // One source's failures open its own breaker, not the other's.
        for _ in 0..<10 { await other.stress.failure("ThrottlingException") }
        #expect(await home.stress.breaker == .closed)
        #expect(await other.stress.breaker != .closed)
    }
}
