/// How far a long copy has got: time range covered out of the total, events, rate and
/// the time left at that rate. The command line draws it; the pipeline only counts.
public actor ProgressMeter {
    public struct Snapshot: Sendable {
        var total: EpochMillis
        var done: EpochMillis
        public var events: Int
        var elapsedSeconds: Double

        public var fraction: Double { total > 0 ? min(1, Double(done) / Double(total)) : 1 }
        public var eventsPerSecond: Double { elapsedSeconds > 0 ? Double(events) / elapsedSeconds : 0 }
        /// Seconds left at the pace so far; nil until there is a pace.
        public var etaSeconds: Double? {
            guard done > 0, elapsedSeconds > 0.5, done < total else { return done >= total && total > 0 ? 0 : nil }
            return elapsedSeconds * Double(total - done) / Double(done)
        }
    }

    private var total: EpochMillis = 0
    private var done: EpochMillis = 0
    private var events = 0
    private let started: Double
    private let clock: @Sendable () -> Double

    public init(clock: @escaping @Sendable () -> Double = WallClock.monotonicSeconds) {
        self.clock = clock
        started = clock()
    }

    func addTotal(_ millis: EpochMillis) { total += millis }

    func advance(covered millis: EpochMillis, events count: Int) {
        done += max(0, millis)
        events += count
    }

    public var snapshot: Snapshot {
        Snapshot(total: total, done: done, events: events, elapsedSeconds: clock() - started)
    }
}
