/// One piece of background work for the daemon: history to copy, or shipped ranges to
/// verify. Each carries the priority it runs at.
struct BackgroundTask: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case backfill(TimeRange)
        /// Compare with CloudWatch and repair.
        case verify([TimeRange], Verification)
        /// Look for mapping conflicts across the prefix and repair them.
        case heal
    }

    var group: GroupKey
    var kind: Kind
    var priority: Priority
}

/// Which comparison a verification task is.
enum Verification: Sendable, Equatable, CustomStringConvertible {
    /// The recent stretch, every RECONCILE_INTERVAL_SECS.
    case recent
    /// A stage of the verification schedule (a day, 15 days).
    case stage(VerificationSchedule.Stage)
    /// A day the seasonal model finds short in Elasticsearch.
    case shortDay

    var description: String {
        switch self {
        case .recent: return "recent"
        case .stage(let stage): return stage.name
        case .shortDay: return "seasonal"
        }
    }
}

/// Decides which history the daemon copies next, from the checkpoints and the clock alone.
struct BackgroundPlanner: Sendable {
    /// How far back the daemon keeps history (BACKFILL_DAYS).
    let historyMillis: EpochMillis
    /// The newest stretch belongs to the tail (TAIL_MAX_OVERLAP_SECS).
    let tailMillis: EpochMillis

    /// The newest day-sized piece of history `group` still lacks, at the priority its age
    /// deserves (the last week high, older low, beyond a year idle), back to BACKFILL_DAYS
    /// or to `oldest` (what the cluster keeps), whichever is newer.
    func nextBackfill(group: GroupKey, shipped: IntervalSet, oldest: EpochMillis? = nil, now: EpochMillis) -> BackgroundTask? {
        let range = TimeRange(start: max(now - historyMillis, oldest ?? .min), end: now - tailMillis)
        guard !range.isEmpty, let gap = shipped.gaps(in: range).last else { return nil }
        let chunk = gap.chunksNewestFirst(length: WallClock.millisPerDay)[0]
        return BackgroundTask(group: group, kind: .backfill(chunk), priority: Priority.forHistory(age: now - chunk.end))
    }
}
