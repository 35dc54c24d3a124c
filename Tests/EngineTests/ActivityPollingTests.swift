import Testing
@testable import Engine

/// The request budget goes where the events are: quiet groups are polled less often, never
/// less than every four POLL_INTERVAL_SECS, and a new event brings a group back at once.
@Suite struct ActivityPollingTests {
    @Test func aQuietGroupIsPolledLessOftenUpToABound() {
        var polling = ActivityPolling()
        polling.record("/quiet", newEvents: 0, now: 1_000)
        #expect(polling.interval("/quiet", pollSeconds: 5, now: 1_059) == 5, "a group is polled as configured for its first minute")
        #expect(polling.interval("/quiet", pollSeconds: 5, now: 1_060) == 10)
        #expect(polling.interval("/quiet", pollSeconds: 5, now: 1_299) == 10)
        #expect(polling.interval("/quiet", pollSeconds: 5, now: 1_300) == 20)
        #expect(polling.interval("/quiet", pollSeconds: 5, now: 100_000) == 20, "never beyond four intervals")
        #expect(polling.interval("/never-polled", pollSeconds: 5, now: 100_000) == 5)
    }

    @Test func aNewEventBringsAGroupBackToTheConfiguredInterval() {
        var polling = ActivityPolling()
        polling.record("/g", newEvents: 0, now: 0)
        polling.record("/g", newEvents: 0, now: 400)
        #expect(polling.interval("/g", pollSeconds: 2, now: 400) == 8)
        polling.record("/g", newEvents: 3, now: 402)
        #expect(polling.interval("/g", pollSeconds: 2, now: 410) == 2)
    }
}
