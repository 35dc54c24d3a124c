/// One request-rate budget per AWS account and region, shared by everything that calls
/// CloudWatch Logs in the process (the read quotas are account-wide). A token bucket whose
/// waiters are served by priority, so the tail goes first, and whose rate halves on
/// throttling and creeps back up on success (additive increase, multiplicative decrease).
///
/// The tail goes first but does not take everything: while work below it waits (history,
/// verification), at least one grant in `backgroundEvery` goes to the most urgent of that
/// work. Where the groups' polls alone would use the whole quota, history and verification
/// still move at a quarter of it, and each group is polled less often instead (the daemon
/// says by how much at start, `DeliveryEstimate`).
actor RequestBudget {
    /// One grant in this many goes to waiting background work.
    static let backgroundEvery = 4
    /// Grants to the tail since background work last had one.
    private var tailRun = 0
    private(set) var ratePerSecond: Double
    let maxRate: Double
    let minRate: Double
    private var tokens: Double
    private var lastRefill: Double
    private var waiters = PriorityWaiters()
    private var draining = false
    /// Monotonic seconds; a test substitutes a clock it moves by hand.
    let clock: @Sendable () -> Double

    init(ratePerSecond: Double, clock: @escaping @Sendable () -> Double = WallClock.monotonicSeconds) {
        self.ratePerSecond = max(0.1, ratePerSecond)
        maxRate = self.ratePerSecond
        minRate = min(self.ratePerSecond, 0.5)
        tokens = max(1, self.ratePerSecond)
        self.clock = clock
        lastRefill = clock()
    }

    func acquire(_ priority: Priority) async {
        refill()
        if waiters.isEmpty && tokens >= 1 {
            tokens -= 1
            tailRun = priority == .critical ? tailRun + 1 : 0
            return
        }
        await withCheckedContinuation { continuation in
            waiters.add(priority, continuation)
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !waiters.isEmpty {
            refill()
            if tokens >= 1 {
                tokens -= 1
                if tailRun >= Self.backgroundEvery - 1, waiters.resumeNext(below: .critical) != nil {
                    tailRun = 0
                } else {
                    tailRun = waiters.resumeNext() == .critical ? tailRun + 1 : 0
                }
                continue
            }
            let wait = min(1, (1 - tokens) / ratePerSecond)
            try? await Task.sleep(nanoseconds: UInt64(wait * 1e9) + 1_000_000)
        }
        draining = false
    }

    private func refill() {
        let now = clock()
        tokens = min(max(1, ratePerSecond), tokens + (now - lastRefill) * ratePerSecond)
        lastRefill = now
    }

    func throttled() {
        let before = ratePerSecond
        ratePerSecond = max(minRate, ratePerSecond / 2)
        if ratePerSecond < before {
            Log.warn("cloudwatch throttled: request rate lowered", ("rate_per_sec", format2(ratePerSecond)))
        }
    }

    func succeeded() {
        ratePerSecond = min(maxRate, ratePerSecond + 0.05)
    }

    var waiting: Int { waiters.count }
}

func format2(_ value: Double) -> String {
    String(Double(Int(value * 100)) / 100)
}
