/// Adjusts bulk batch size and concurrency from what Elasticsearch's answers show:
/// latency percentiles, 429s and errors since the last decision, and the process's memory
/// pressure. BATCH_SIZE and MAX_IN_FLIGHT are where it starts; ADAPTIVE_MAX_BATCH_SIZE
/// and ADAPTIVE_MAX_IN_FLIGHT bound how far it grows. Every change is logged with its reason.
actor AdaptiveController {
    private var state: ControllerState
    private let pressure: ResourcePressure
    private let permits: BulkPermits
    private let interval: Double
    private var latencies: [Double] = []
    private var throttled = 0
    private var failed = 0
    private var lastDecision: Double
    /// The process's CPU use, read at most once per interval: over the few milliseconds
    /// between slow-start decisions it would say nothing.
    private var cpuLevel = ResourcePressure.Level.normal
    private var cpuAtLastReading = ResourcePressure.cpuSeconds()
    private var lastCPUReading: Double
    private(set) var lastStats = WindowStats(requests: 0, p50Millis: 0, p95Millis: 0)

    init(state: ControllerState, pressure: ResourcePressure, permits: BulkPermits, interval: Double = 1) {
        self.state = state
        self.pressure = pressure
        self.permits = permits
        self.interval = interval
        lastDecision = WallClock.monotonicSeconds()
        lastCPUReading = lastDecision
    }

    var limits: BulkLimits { state.limits }

    /// One finished bulk request.
    func record(latencyMillis: Double, throttled wasThrottled: Bool = false, failed wasFailed: Bool = false) async {
        if wasFailed {
            failed += 1
        } else {
            latencies.append(latencyMillis)
        }
        if wasThrottled { throttled += 1 }
        let now = WallClock.monotonicSeconds()
        // Back off at once on 429s; otherwise decide on a few seconds of evidence — but while
        // batches still double from their starting point (slow start), a round of fast
        // answers without failures (one per permit, at least three) is evidence enough: a
        // backfill then reaches its working batch size within a few dozen requests instead
        // of a second per doubling, each small request costing as much as a large one to make.
        let slowStartRound = state.slowStart && failed == 0 && latencies.count >= max(3, state.limits.inFlight)
        let due = (now - lastDecision >= interval || slowStartRound) && latencies.count + failed >= 3
        let urgent = wasThrottled && now - lastDecision >= interval / 4
        guard due || urgent else { return }
        let stats = WindowStats.of(latencies: latencies, throttled: throttled, failed: failed)
        lastStats = stats
        latencies.removeAll(keepingCapacity: true)
        throttled = 0
        failed = 0
        if now - lastCPUReading >= interval {
            let cpu = ResourcePressure.cpuSeconds()
            cpuLevel = ResourcePressure.cpuLevel(cpuSeconds: cpu - cpuAtLastReading, wallSeconds: now - lastCPUReading)
            cpuAtLastReading = cpu
            lastCPUReading = now
        }
        lastDecision = now
        guard let (limits, reason) = state.decide(stats, pressure: max(pressure.level(), cpuLevel)) else { return }
        await permits.setCapacity(limits.inFlight)
        Log.info("adaptive", ("batch", limits.batchSize), ("in_flight", limits.inFlight), ("p50_ms", Int(stats.p50Millis)),
                 ("p95_ms", Int(stats.p95Millis)), ("requests", stats.requests), ("throttled", stats.throttled),
                 ("failed", stats.failed), ("reason", reason.rawValue))
    }
}
