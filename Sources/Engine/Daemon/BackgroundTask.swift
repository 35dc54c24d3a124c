/// One piece of background work for the daemon: history to copy, or shipped ranges to
/// verify. Each carries the priority it runs at.
public struct BackgroundTask: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case backfill(TimeRange)
        case reconcile([TimeRange])
        /// Look for mapping conflicts across the prefix and repair them.
        case heal
    }

    public var group: String
    public var kind: Kind
    public var priority: Priority
}

/// Decides what background work comes next, from the checkpoints and the clock alone.
public struct BackgroundPlanner: Sendable {
    /// How far back the daemon keeps history (BACKFILL_DAYS).
    let historyMillis: EpochMillis
    /// The newest stretch belongs to the tail (TAIL_MAX_OVERLAP_SECS).
    let tailMillis: EpochMillis
    /// Reconciliation checks the last day, plus one older day per round.
    let recentMillis: EpochMillis = WallClock.millisPerDay

    public init(historyMillis: EpochMillis, tailMillis: EpochMillis) {
        self.historyMillis = historyMillis
        self.tailMillis = tailMillis
    }

    /// The newest day-sized piece of history `group` still lacks, at the priority its age
    /// deserves (the last week high, older low, beyond a year idle).
    public func nextBackfill(group: String, shipped: IntervalSet, now: EpochMillis) -> BackgroundTask? {
        let range = TimeRange(start: now - historyMillis, end: now - tailMillis)
        guard !range.isEmpty, let gap = shipped.gaps(in: range).last else { return nil }
        let chunk = gap.chunksNewestFirst(length: WallClock.millisPerDay)[0]
        return BackgroundTask(group: group, kind: .backfill(chunk), priority: Priority.forHistory(age: now - chunk.end))
    }

    /// The shipped parts of the last day, and of the older day at `olderCursor` (which
    /// walks back through the history one day per round); nil when nothing is shipped there.
    public func reconcile(group: String, shipped: IntervalSet, olderCursor: EpochMillis?, now: EpochMillis) -> BackgroundTask? {
        let end = now - tailMillis
        var windows = covered(TimeRange(start: end - recentMillis, end: end), by: shipped)
        if let olderCursor, olderCursor > now - historyMillis {
            windows += covered(TimeRange(start: olderCursor - WallClock.millisPerDay, end: olderCursor), by: shipped)
        }
        windows = windows.filter { $0.duration >= 60_000 }
        return windows.isEmpty ? nil : BackgroundTask(group: group, kind: .reconcile(windows), priority: .normal)
    }

    private func covered(_ range: TimeRange, by shipped: IntervalSet) -> [TimeRange] {
        shipped.ranges.compactMap { part in
            let overlap = TimeRange(start: max(part.start, range.start), end: min(part.end, range.end))
            return overlap.isEmpty ? nil : overlap
        }
    }
}
