@testable import Engine
import Synchronization
import Testing
@testable import Commands

@Suite struct ProgressViewTests {
    final class Clock: Sendable {
        private let now = Mutex(0.0)
        func read() -> Double { now.withLock { $0 } }
        func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
    }

    @Test func theBarShowsShareRateAndTimeLeft() async {
        let clock = Clock()
        let meter = ProgressMeter(clock: { clock.read() })
        await meter.addTotal(1_000)
        clock.advance(10)
        await meter.advance(covered: 250, events: 5_000)
        let snapshot = await meter.snapshot
        #expect(snapshot.fraction == 0.25)
        #expect(snapshot.eventsPerSecond == 500)
        #expect(snapshot.etaSeconds == 30)
        #expect(ProgressView.bar(snapshot, label: "backfill") == "backfill [######..................] 25%  5000 events  500/s  ETA 30s")
    }

    @Test func theTimeLeftIsUnknownUntilThereIsAPace() async {
        let clock = Clock()
        let meter = ProgressMeter(clock: { clock.read() })
        await meter.addTotal(1_000)
        #expect(await meter.snapshot.etaSeconds == nil)
        #expect(ProgressView.bar(await meter.snapshot, label: "x").hasSuffix("ETA --"))
    }

    @Test(arguments: [(5.0, "5s"), (185, "3m05s"), (7_620, "2h07m")])
    func durationsReadNaturally(seconds: Double, text: String) {
        #expect(ProgressView.duration(seconds) == text)
    }
}
