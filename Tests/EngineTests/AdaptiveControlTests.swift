import Synchronization
import Testing
@testable import Engine

/// The controller's arithmetic against a simulated cluster: latency grows with the load
/// in flight, and past its capacity the cluster answers 429.
@Suite struct ControllerConvergenceTests {
    struct SimulatedCluster {
        /// Documents it can take at once before it rejects.
        var capacity: Int
        func answer(_ limits: BulkLimits) -> WindowStats {
            let load = limits.batchSize * limits.inFlight
            let latency = 50 + Double(limits.batchSize) * 0.2 + Double(load) * 0.05
            return WindowStats(requests: 20, p50Millis: latency, p95Millis: latency * 1.5, throttled: load > capacity ? 3 : 0)
        }
    }

    func run(_ state: inout ControllerState, on cluster: SimulatedCluster, rounds: Int) -> [BulkLimits] {
        var seen: [BulkLimits] = []
        for _ in 0..<rounds {
            _ = state.decide(cluster.answer(state.limits), pressure: .normal)
            seen.append(state.limits)
        }
        return seen
    }

    @Test func growsFromTheStartingPointAndSettlesBelowTheClustersCapacity() {
        var state = ControllerState(start: BulkLimits(batchSize: 100, inFlight: 2), ceiling: BulkLimits(batchSize: 5000, inFlight: 8))
        let cluster = SimulatedCluster(capacity: 6000)
        let history = run(&state, on: cluster, rounds: 200)
        let late = history.suffix(100)
        // It probes the limit and backs off, so the load hovers around the capacity…
        #expect(late.allSatisfy { $0.batchSize * $0.inFlight <= 2 * cluster.capacity })
        #expect(late.map { $0.batchSize * $0.inFlight }.max()! > cluster.capacity / 4)
        // …and spends most rounds under it.
        #expect(late.filter { $0.batchSize * $0.inFlight <= cluster.capacity }.count > 50)
        #expect(history.allSatisfy { $0.batchSize <= 5000 && $0.inFlight <= 8 && $0.batchSize >= 10 && $0.inFlight >= 1 })
    }

    @Test func a429BurstHalvesAtOnceAndQuietTimesGrowAgainByAddition() {
        var state = ControllerState(start: BulkLimits(batchSize: 400, inFlight: 4), ceiling: BulkLimits(batchSize: 5000, inFlight: 8))
        let throttled = state.decide(WindowStats(requests: 10, p50Millis: 100, p95Millis: 200, throttled: 2), pressure: .normal)
        #expect(throttled?.0 == BulkLimits(batchSize: 200, inFlight: 2))
        #expect(throttled?.1 == .throttled)
        let fast = state.decide(WindowStats(requests: 10, p50Millis: 100, p95Millis: 200), pressure: .normal)
        #expect(fast?.0 == BulkLimits(batchSize: 400, inFlight: 3))
        #expect(fast?.1 == .fast)
    }

    @Test func batchesDoubleUntilTheFirstPushBackThenGrowByAddition() {
        var state = ControllerState(start: BulkLimits(batchSize: 100, inFlight: 2), ceiling: BulkLimits(batchSize: 5000, inFlight: 8))
        let fast = WindowStats(requests: 10, p50Millis: 50, p95Millis: 80)
        for _ in 0..<3 { _ = state.decide(fast, pressure: .normal) }
        #expect(state.limits == BulkLimits(batchSize: 800, inFlight: 5))
        _ = state.decide(WindowStats(requests: 10, p50Millis: 50, p95Millis: 80, throttled: 1), pressure: .normal)
        #expect(state.limits == BulkLimits(batchSize: 400, inFlight: 2))
        #expect(!state.slowStart)
        _ = state.decide(fast, pressure: .normal)
        #expect(state.limits == BulkLimits(batchSize: 450, inFlight: 3))
    }

    @Test func slowAnswersErrorsAndMemoryPressureShrinkHighPressureHolds() {
        var state = ControllerState(start: BulkLimits(batchSize: 1000, inFlight: 4), ceiling: BulkLimits(batchSize: 5000, inFlight: 8))
        #expect(state.decide(WindowStats(requests: 10, p50Millis: 3000, p95Millis: 9000), pressure: .normal)?.1 == .slow)
        #expect(state.limits == BulkLimits(batchSize: 750, inFlight: 3))
        #expect(state.decide(WindowStats(requests: 10, p50Millis: 100, p95Millis: 100, failed: 2), pressure: .normal)?.1 == .errors)
        #expect(state.decide(WindowStats(requests: 10, p50Millis: 100, p95Millis: 100), pressure: .critical)?.1 == .memory)
        let before = state.limits
        #expect(state.decide(WindowStats(requests: 10, p50Millis: 100, p95Millis: 100), pressure: .high) == nil)
        #expect(state.limits == before)
    }

    @Test func neverLeavesItsBounds() {
        var state = ControllerState(start: BulkLimits(batchSize: 100, inFlight: 2), ceiling: BulkLimits(batchSize: 300, inFlight: 3))
        for _ in 0..<50 { _ = state.decide(WindowStats(requests: 5, p50Millis: 10, p95Millis: 10), pressure: .normal) }
        #expect(state.limits == BulkLimits(batchSize: 300, inFlight: 3))
        for _ in 0..<50 { _ = state.decide(WindowStats(requests: 5, p50Millis: 10, p95Millis: 10, throttled: 5), pressure: .normal) }
        #expect(state.limits == BulkLimits(batchSize: 10, inFlight: 1))
    }

    @Test func percentilesAreNearestRank() {
        let stats = WindowStats.of(latencies: (1...100).map(Double.init), throttled: 0, failed: 0)
        #expect(stats.p50Millis == 50)
        #expect(stats.p95Millis == 95)
    }
}

private actor OrderLog {
    var names: [String] = []
    func add(_ name: String) { names.append(name) }
}

/// The scheduler's ordering and pause rules.
@Suite struct SchedulingTests {
    @Test(arguments: [
        (Priority.critical, StressTracker.Level.critical, false),
        (.high, .elevated, false), (.high, .critical, true),
        (.normal, .strained, false), (.normal, .elevated, true),
        (.low, .calm, false), (.low, .strained, true),
        (.idle, .strained, true),
    ])
    func prioritiesPauseAtTheirStressLevels(priority: Priority, level: StressTracker.Level, waits: Bool) {
        #expect(PriorityGate.mustWait(priority, level: level, secondsSinceFailure: 1000, idleCooldown: 30) == waits)
    }

    /// Decisions otherwise wait for the interval (an hour here, so none is due by time):
    /// in slow start each round of fast answers doubles the batch at once; once the cluster
    /// has pushed back, the same answers change nothing until the interval has passed.
    @Test func slowStartDoublesAfterEachRoundOfFastAnswersThenDecisionsWaitForTheInterval() async {
        let start = BulkLimits(batchSize: 100, inFlight: 2), ceiling = BulkLimits(batchSize: 5000, inFlight: 8)
        let controller = AdaptiveController(state: ControllerState(start: start, ceiling: ceiling), pressure: ResourcePressure(softLimitMB: 0),
                                            permits: BulkPermits(capacity: 2), interval: 3600)
        var seen: [Int] = []
        for _ in 0..<5 {
            for _ in 0..<3 { await controller.record(latencyMillis: 20) }
            seen.append(await controller.limits.batchSize)
        }
        // In flight grows by one per decision (3, 4, 5, …): a round is then that many answers.
        #expect(seen == [200, 400, 400, 800, 1600])

        var pushedBack = ControllerState(start: BulkLimits(batchSize: 400, inFlight: 2), ceiling: ceiling)
        _ = pushedBack.decide(WindowStats(requests: 5, p50Millis: 20, p95Millis: 30, throttled: 1), pressure: .normal)
        #expect(!pushedBack.slowStart)
        let settled = AdaptiveController(state: pushedBack, pressure: ResourcePressure(softLimitMB: 0), permits: BulkPermits(capacity: 1), interval: 3600)
        for _ in 0..<20 { await settled.record(latencyMillis: 20) }
        #expect(await settled.limits == BulkLimits(batchSize: 200, inFlight: 1))
    }

    @Test func idleWorkWaitsOutACoolDownAfterTheLastFailure() {
        #expect(PriorityGate.mustWait(.idle, level: .calm, secondsSinceFailure: 5, idleCooldown: 30))
        #expect(!PriorityGate.mustWait(.idle, level: .calm, secondsSinceFailure: 31, idleCooldown: 30))
        #expect(!PriorityGate.mustWait(.low, level: .calm, secondsSinceFailure: 5, idleCooldown: 30))
    }

    @Test func raisingTheCapacityLetsWaitersIn() async {
        let permits = BulkPermits(capacity: 1)
        await permits.acquire(.low)
        let order = OrderLog()
        await withTaskGroup(of: Void.self) { group in
            for (index, priority) in [Priority.idle, .low, .normal].enumerated() {
                group.addTask {
                    await permits.acquire(priority)
                    await order.add("\(priority)")
                }
                while await permits.waiting <= index { await Task.yield() }
            }
            group.addTask {
                await permits.acquire(.critical)
                await order.add("critical")
            }
            while await permits.waiting < 4 { await Task.yield() }
            // Room for everyone at once: all four go.
            await permits.setCapacity(5)
        }
        #expect(await order.names.count == 4)
        #expect(await permits.inUse == 5)
        #expect(await permits.waiting == 0)
    }

    @Test func bulkPermitsReleaseOneWaiterPerFreedPermitByPriority() async {
        let permits = BulkPermits(capacity: 1)
        await permits.acquire(.low)
        let order = OrderLog()
        await withTaskGroup(of: Void.self) { group in
            for (index, priority) in [Priority.idle, .low, .critical].enumerated() {
                group.addTask {
                    await permits.acquire(priority)
                    await order.add("\(priority)")
                }
                while await permits.waiting <= index { await Task.yield() }
            }
            for released in 1...3 {
                await permits.release()
                while await order.names.count < released { await Task.yield() }
            }
        }
        #expect(await order.names == ["critical", "low", "idle"])
    }
}

/// Stress levels and the circuit breaker, on a clock the test moves.
@Suite struct StressTrackerTests {
    @Test func failuresRaiseTheLevelAndSuccessesLowerIt() async {
        let tracker = StressTracker(side: "test", minBackoff: 1, maxBackoff: 60, breakerThreshold: 100)
        #expect(await tracker.level == .calm)
        await tracker.failure("x")
        #expect(await tracker.level == .strained)
        for _ in 0..<2 { await tracker.failure("x") }
        #expect(await tracker.level == .elevated)
        for _ in 0..<7 { await tracker.failure("x") }
        #expect(await tracker.level == .critical)
        for _ in 0..<10 { await tracker.success() }
        #expect(await tracker.level == .calm)
    }

    @Test func theBreakerOpensWaitsLetsOneProbeThroughAndClosesOnItsSuccess() async {
        let clock = ManualClock(100)
        let tracker = StressTracker(side: "test", minBackoff: 1, maxBackoff: 60, breakerThreshold: 3, clock: { clock.read() })
        for _ in 0..<3 { await tracker.failure("HTTP 503") }
        guard case .open(let until) = await tracker.breaker else {
            Issue.record("breaker should be open")
            return
        }
        #expect(until == clock.read() + 8)
        #expect(await tracker.level == .critical)
        clock.advance(8)
        await tracker.admit()
        #expect(await tracker.breaker == .halfOpen)
        await tracker.success()
        #expect(await tracker.breaker == .closed)
        // Recovering: background work stays paused for a few more successes.
        #expect(await tracker.level == .strained)
        for _ in 0..<2 { await tracker.success() }
        #expect(await tracker.level == .calm)
    }

    @Test func aFailedProbeOpensTheBreakerForLonger() async {
        let clock = ManualClock(100)
        let tracker = StressTracker(side: "test", minBackoff: 1, maxBackoff: 60, breakerThreshold: 2, clock: { clock.read() })
        for _ in 0..<2 { await tracker.failure("x") }
        clock.advance(4)
        await tracker.admit()
        await tracker.failure("probe failed")
        guard case .open(let until) = await tracker.breaker else {
            Issue.record("breaker should be open again")
            return
        }
        #expect(until - clock.read() == 8)
    }
}

@Suite struct ResourcePressureTests {
    @Test func memoryAboveEightyPercentHoldsAboveTheLimitShrinks() {
        let pressure = ResourcePressure(softLimitMB: 100)
        #expect(pressure.level(residentBytes: 50 * 1_048_576) == .normal)
        #expect(pressure.level(residentBytes: 85 * 1_048_576) == .high)
        #expect(pressure.level(residentBytes: 120 * 1_048_576) == .critical)
        #expect(ResourcePressure(softLimitMB: 0).level(residentBytes: 1 << 40) == .normal)
        #expect(ResourcePressure.residentBytes().map { $0 > 0 } == true)
    }

    @Test func busyCoresHoldGrowth() {
        #expect(ResourcePressure.cpuLevel(cpuSeconds: 1.9, wallSeconds: 1, cores: 2) == .high)
        #expect(ResourcePressure.cpuLevel(cpuSeconds: 1.0, wallSeconds: 1, cores: 2) == .normal)
    }
}
