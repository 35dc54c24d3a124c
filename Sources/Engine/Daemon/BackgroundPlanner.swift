/// One piece of background work for the daemon: history to copy, or shipped ranges to
/// verify. Each carries the priority it runs at.
struct BackgroundTask: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case backfill(TimeRange)
        /// Compare with CloudWatch and repair: the recent stretch (`stage` nil), a stage of
        /// the verification schedule, or a day the seasonal model finds short.
        case verify([TimeRange], stage: String?)
        /// Look for mapping conflicts across the prefix and repair them.
        case heal
    }

    var group: String
    var kind: Kind
    var priority: Priority
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
    func nextBackfill(group: String, shipped: IntervalSet, oldest: EpochMillis? = nil, now: EpochMillis) -> BackgroundTask? {
        let range = TimeRange(start: max(now - historyMillis, oldest ?? .min), end: now - tailMillis)
        guard !range.isEmpty, let gap = shipped.gaps(in: range).last else { return nil }
        let chunk = gap.chunksNewestFirst(length: WallClock.millisPerDay)[0]
        return BackgroundTask(group: group, kind: .backfill(chunk), priority: Priority.forHistory(age: now - chunk.end))
    }
}
