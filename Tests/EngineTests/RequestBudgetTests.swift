import Synchronization
import Testing
@testable import Engine

private actor Recorder {
    var names: [String] = []
    func add(_ name: String) { names.append(name) }
}

@Suite struct RequestBudgetTests {
    @Test func waitersAreServedByPriorityThenInOrder() async throws {
        // The clock stands still until every waiter is queued, so none is served early.
        let clock = ManualClock()
        let budget = RequestBudget(ratePerSecond: 20, clock: { clock.read() })
        for _ in 0..<20 { await budget.acquire(.low) }
        let served = Recorder()
        await withTaskGroup(of: Void.self) { group in
            for (position, name) in ["low-1", "low-2", "low-3"].enumerated() {
                group.addTask {
                    await budget.acquire(.low)
                    await served.add(name)
                }
                // Each waiter is queued before the next one is added.
                let deadline = WallClock.monotonicSeconds() + 10
                while await budget.waiting <= position && WallClock.monotonicSeconds() < deadline { await Task.yield() }
            }
            group.addTask {
                await budget.acquire(.critical)
                await served.add("tail")
            }
            let deadline = WallClock.monotonicSeconds() + 10
            while await budget.waiting < 4 && WallClock.monotonicSeconds() < deadline { await Task.yield() }
            // One token at a time, so each release is observed before the next.
            // (A hair over one token's worth: floating point must not leave it a hair under.)
            for released in 1...4 {
                clock.advance(1.0 / 20 + 1e-6)
                let deadline = WallClock.monotonicSeconds() + 10
                while await served.names.count < released && WallClock.monotonicSeconds() < deadline { await Task.yield() }
            }
        }
        let order = await served.names
        #expect(order.first == "tail")
        #expect(order.dropFirst() == ["low-1", "low-2", "low-3"])
    }

    /// The tail first, but not everything: with the tail asking for more than the budget,
    /// one grant in four still goes to waiting background work (history, verification).
    @Test func backgroundWorkGetsItsShareWhileTheTailWantsEverything() async throws {
        let clock = ManualClock()
        let budget = RequestBudget(ratePerSecond: 10, clock: { clock.read() })
        for _ in 0..<10 { await budget.acquire(.critical) }
        let served = Recorder()
        await withTaskGroup(of: Void.self) { group in
            let waiters: [(String, Priority)] = (0..<4).map { ("history-\($0)", .high) } + (0..<12).map { ("tail-\($0)", .critical) }
            for (position, (name, priority)) in waiters.enumerated() {
                group.addTask {
                    await budget.acquire(priority)
                    await served.add(name)
                }
                let deadline = WallClock.monotonicSeconds() + 10
                while await budget.waiting <= position && WallClock.monotonicSeconds() < deadline { await Task.yield() }
            }
            for released in 1...waiters.count {
                clock.advance(1.0 / 10 + 1e-6)
                let deadline = WallClock.monotonicSeconds() + 10
                while await served.names.count < released && WallClock.monotonicSeconds() < deadline { await Task.yield() }
            }
        }
        let order = await served.names
        #expect(order.count == 16)
        let firstEight = order.prefix(8)
        #expect(firstEight.filter { $0.hasPrefix("history") }.count == 2, "\(order)")
        // The ten grants before were all the tail's, so history is next, then every fourth.
        #expect(order.indices.filter { order[$0].hasPrefix("history") } == [0, 4, 8, 12], "\(order)")
    }

    @Test func throttlingHalvesTheRateAndSuccessRestoresItSlowly() async {
        let budget = RequestBudget(ratePerSecond: 8)
        await budget.throttled()
        #expect(await budget.ratePerSecond == 4)
        await budget.throttled()
        await budget.throttled()
        await budget.throttled()
        await budget.throttled()
        #expect(await budget.ratePerSecond == 0.5)
        for _ in 0..<20 { await budget.succeeded() }
        let recovering = await budget.ratePerSecond
        #expect(recovering > 1.4 && recovering < 1.6)
        for _ in 0..<1000 { await budget.succeeded() }
        #expect(await budget.ratePerSecond == 8)
    }

    @Test func historyPriorityFollowsAge() {
        #expect(Priority.forHistory(age: 3_600_000) == .high)
        #expect(Priority.forHistory(age: 30 * WallClock.millisPerDay) == .low)
        #expect(Priority.forHistory(age: 400 * WallClock.millisPerDay) == .idle)
    }
}
