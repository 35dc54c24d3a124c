/// Where background work asks, before each page, whether it may go on. The stress of the
/// sides the work uses decides — Elasticsearch, and the CloudWatch account and region it
/// reads (each `[[source]]`'s own, so one throttled account does not hold back the work of
/// the others) — per the priority table:
///
/// | priority | pauses while stress is |
/// | --- | --- |
/// | critical (live tail) | never |
/// | high (recent backfill, repairs, healing) | critical |
/// | normal (reconciliation) | elevated or worse |
/// | low (historical backfill) | strained or worse |
/// | idle (history older than a year) | strained or worse, and for a cool-down after the last failure |
///
/// Pausing happens between pages, so nothing half-sent is held back.
actor PriorityGate {
    /// The side every piece of work writes to.
    let elasticsearch: StressTracker
    let shutdown: ShutdownSignal
    let idleCooldown: Double
    let clock: @Sendable () -> Double
    private var paused: [Priority: Int] = [:]
    /// How often work of each priority has had to wait, for metrics.
    private(set) var pauses: [Priority: Int] = [:]

    init(elasticsearch: StressTracker, shutdown: ShutdownSignal, idleCooldown: Double = 30,
         clock: @escaping @Sendable () -> Double = WallClock.monotonicSeconds) {
        self.elasticsearch = elasticsearch
        self.shutdown = shutdown
        self.idleCooldown = idleCooldown
        self.clock = clock
    }

    /// Whether work of `priority` must wait, given the worst stress level and the seconds
    /// since the last failure on either side.
    static func mustWait(_ priority: Priority, level: StressTracker.Level, secondsSinceFailure: Double, idleCooldown: Double) -> Bool {
        switch priority {
        case .critical: return false
        case .high: return level >= .critical
        case .normal: return level >= .elevated
        case .low: return level >= .strained
        case .idle: return level >= .strained || secondsSinceFailure < idleCooldown
        }
    }

    /// Returns once `priority` may proceed (or shutdown was requested), for work that writes
    /// to Elasticsearch and reads CloudWatch through `reading` (nil: reads no CloudWatch).
    func admit(_ priority: Priority, reading: StressTracker? = nil) async {
        let sides = [elasticsearch] + (reading.map { [$0] } ?? [])
        var waited = false
        while !shutdown.isRequested {
            let (level, side, since) = await worst(of: sides)
            guard Self.mustWait(priority, level: level, secondsSinceFailure: since, idleCooldown: idleCooldown) else { break }
            if !waited {
                waited = true
                pauses[priority, default: 0] += 1
                paused[priority, default: 0] += 1
                if paused[priority] == 1 {
                    Log.info("background work paused", ("priority", priority), ("side", side), ("stress", level))
                }
            }
            await shutdown.wait(seconds: 1)
        }
        if waited {
            paused[priority, default: 1] -= 1
            if paused[priority] == 0 { Log.info("background work resumed", ("priority", priority)) }
        }
    }

    private func worst(of sides: [StressTracker]) async -> (StressTracker.Level, String, Double) {
        var level = StressTracker.Level.calm
        var side = "-"
        var lastFailure = -Double.infinity
        for tracker in sides {
            let current = await tracker.level
            if current > level {
                level = current
                side = tracker.side
            }
            lastFailure = max(lastFailure, await tracker.lastFailure)
        }
        return (level, side, clock() - lastFailure)
    }
}
