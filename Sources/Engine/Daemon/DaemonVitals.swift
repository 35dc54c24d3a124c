/// What the daemon's health and readiness are judged on (`DaemonHealth`), as its parts
/// report it: when the tail last moved (a pass ended, or a page was stored), which sides the
/// stall watchdog found stalled, and how the last lease round went.
actor DaemonVitals {
    private let clock: @Sendable () -> Double
    /// Monotonic seconds of the tail's last pass end or stored page (the start at first).
    private(set) var tailMoved: Double
    private(set) var stalledSides: Set<String> = []
    /// Monotonic seconds of the last lease round that succeeded; nil before the first.
    private(set) var lastLeaseRound: Double?

    init(clock: @escaping @Sendable () -> Double = WallClock.monotonicSeconds) {
        self.clock = clock
        tailMoved = clock()
    }

    func tailProgressed() { tailMoved = clock() }

    func watchdogFound(stalled: Set<String>) { stalledSides = stalled }

    func leaseRoundSucceeded() { lastLeaseRound = clock() }

    var now: Double { clock() }
}
