import Testing
@testable import Engine

@Suite struct BreakerReleaseTests {
    /// The probe of a half-open breaker that ends in an error no retry follows (here
    /// AccessDenied) must free the probe slot: otherwise every later request to that
    /// side waits forever, the tail included, without a word.
    @Test func aProbeEndingInAPermanentErrorLetsTheNextRequestThrough() async throws {
        let cloudWatch = ScriptedCloudWatch([
            (400, "AccessDeniedException", #"{"__type":"AccessDeniedException","message":"not allowed"}"#),
            ScriptedCloudWatch.emptyPage,
        ])
        let client = cloudWatch.client()
        for _ in 0..<5 { await client.stress.failure("HTTP 503") }
        guard case .open(let until) = await client.stress.breaker else {
            Issue.record("the breaker should be open")
            return
        }
        while WallClock.monotonicSeconds() < until { try await Task.sleep(nanoseconds: 1_000_000) }

        await #expect(throws: CloudWatchError.self) {
            _ = try await client.filterLogEvents(group: "/g", start: 1, endInclusive: nil, nextToken: nil, purpose: .tail)
        }
        let next = await finishes(within: 10) {
            _ = try? await client.filterLogEvents(group: "/g", start: 1, endInclusive: nil, nextToken: nil, purpose: .tail)
        }
        #expect(next, "the request after the probe is still waiting for the breaker")
        #expect(cloudWatch.requests == 2)
    }

    /// The watchdog's evidence: requests waiting, none ended for longer than the limit, and
    /// the breaker not holding them back on purpose. A probe that never ends (the request
    /// hangs past every timeout) is such a stall.
    @Test func requestsWaitingBehindAProbeThatNeverEndsAreAStall() async throws {
        let clock = ManualClock(100)
        let tracker = StressTracker(side: "test", minBackoff: 1, maxBackoff: 60, breakerThreshold: 2, clock: { clock.read() })
        for _ in 0..<2 { await tracker.failure("HTTP 503") }
        #expect(await tracker.stalled(longerThan: 30) == nil, "an open breaker waiting out its backoff is no stall")
        clock.advance(4)
        await tracker.admit()  // the probe, which never ends
        let waiter = Task { await tracker.admit() }
        let waited = await finishes(within: 10) {
            while await tracker.waiting == 0 { try? await Task.sleep(nanoseconds: 5_000_000) }
        }
        #expect(waited)
        #expect(await tracker.stalled(longerThan: 30) == nil, "not yet: the limit has not passed")
        clock.advance(31)
        #expect(await tracker.stalled(longerThan: 30) == 35, "nothing has ended since the second failure, 35 s ago")
        await tracker.success()
        _ = await waiter.value
        #expect(await tracker.stalled(longerThan: 30) == nil)
    }
}
