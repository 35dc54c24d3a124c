/// How many documents go in one bulk request and how many requests run at once.
struct BulkLimits: Sendable, Equatable, CustomStringConvertible {
    var batchSize: Int
    var inFlight: Int

    var description: String { "batch=\(batchSize) in_flight=\(inFlight)" }
}

/// The adaptive controller's arithmetic, free of clocks and I/O so it can be pinned by
/// tests: while Elasticsearch answers quickly, batches double at first (a slow start, as
/// in TCP, so a backfill is not held at BATCH_SIZE for minutes) and grow by addition once
/// the cluster has pushed back; multiplicative decrease on 429s, errors, slow answers or
/// memory pressure.
struct ControllerState: Sendable {
    enum Reason: String, Sendable {
        case fast, slow, throttled, errors, memory
    }

    private(set) var limits: BulkLimits
    /// Until the first decrease, increases double the batch.
    private(set) var slowStart = true
    let floor: BulkLimits
    let ceiling: BulkLimits
    /// Added to the batch size on each increase.
    let step: Int
    /// Grow while the median bulk latency is below this.
    let targetMillis: Double
    /// Shrink when the 95th percentile is above this.
    let slowMillis: Double

    init(start: BulkLimits, ceiling: BulkLimits, targetMillis: Double = 1_000, slowMillis: Double = 5_000) {
        self.ceiling = BulkLimits(batchSize: max(start.batchSize, ceiling.batchSize), inFlight: max(start.inFlight, ceiling.inFlight))
        floor = BulkLimits(batchSize: min(start.batchSize, 10), inFlight: 1)
        limits = start
        step = max(10, start.batchSize / 2)
        self.targetMillis = targetMillis
        self.slowMillis = slowMillis
    }

    /// The new limits and why, or nil when they stay as they are.
    mutating func decide(_ window: WindowStats, pressure: ResourcePressure.Level) -> (BulkLimits, Reason)? {
        guard window.requests > 0 else { return nil }
        let reason: Reason
        var next = limits
        if window.throttled > 0 {
            reason = .throttled
            next = BulkLimits(batchSize: limits.batchSize / 2, inFlight: limits.inFlight / 2)
        } else if window.failed * 10 > window.requests {
            reason = .errors
            next = BulkLimits(batchSize: limits.batchSize / 2, inFlight: limits.inFlight / 2)
        } else if pressure == .critical {
            reason = .memory
            next = BulkLimits(batchSize: limits.batchSize / 2, inFlight: limits.inFlight / 2)
        } else if window.p95Millis > slowMillis {
            reason = .slow
            next = BulkLimits(batchSize: limits.batchSize * 3 / 4, inFlight: limits.inFlight - 1)
        } else if pressure == .normal && window.p50Millis < targetMillis {
            reason = .fast
            next = BulkLimits(batchSize: slowStart ? limits.batchSize * 2 : limits.batchSize + step, inFlight: limits.inFlight + 1)
        } else {
            return nil
        }
        next = BulkLimits(batchSize: min(ceiling.batchSize, max(floor.batchSize, next.batchSize)),
                          inFlight: min(ceiling.inFlight, max(floor.inFlight, next.inFlight)))
        if reason != .fast { slowStart = false }
        guard next != limits else { return nil }
        limits = next
        return (next, reason)
    }
}
