/// When each stretch of a group's shipped history is compared with CloudWatch (and
/// repaired). Comparing the last day every round read each event about 190 times; instead
/// every minute is compared a small, fixed number of times, at ages chosen from how late
/// CloudWatch events arrive:
///
/// - **recent**: every RECONCILE_INTERVAL_SECS, the hour and one interval behind the tail's
///   window (TAIL_MAX_OVERLAP_SECS). An event up to an hour late is in Elasticsearch within
///   RECONCILE_INTERVAL_SECS plus TAIL_MAX_OVERLAP_SECS of reaching CloudWatch. Each event
///   is read here about (1 h + interval) / interval times: 5 at the defaults.
/// - **stages**: once more at a day (events up to a day late) and at 15 days (CloudWatch
///   takes events up to 14 days old, so nothing can arrive later). What each stage has
///   compared is remembered in the checkpoint, so a restart does not start over. Where the
///   daemon keeps less history than a stage's age (BACKFILL_DAYS, the cluster's retention),
///   the stage compares a stretch earlier, before it leaves what is kept (`age(of:keptMillis:)`):
///   otherwise it would never run, and events more than a day late would never be shipped.
///
/// At the defaults every event is read about 7 times in all, whatever the volume
/// (`make bench`, read amplification).
package struct VerificationSchedule: Sendable {
    struct Stage: Sendable, Equatable {
        var name: String
        /// A stretch is compared at this stage once its end is at least this old.
        var age: EpochMillis
    }

    static let stages = [
        Stage(name: "1d", age: WallClock.millisPerDay + WallClock.millisPerHour),
        Stage(name: "15d", age: 15 * WallClock.millisPerDay),
    ]

    /// RECONCILE_INTERVAL_SECS.
    let intervalMillis: EpochMillis
    /// The newest stretch belongs to the tail (TAIL_MAX_OVERLAP_SECS).
    let tailMillis: EpochMillis
    /// A stage compares at most this much per task, so more urgent work can interleave.
    static let stageChunk = WallClock.millisPerDay

    package init(intervalMillis: EpochMillis, tailMillis: EpochMillis) {
        self.intervalMillis = intervalMillis
        self.tailMillis = tailMillis
    }

    /// How far behind the tail's window the recent stretch reaches.
    var recentMillis: EpochMillis { WallClock.millisPerHour + intervalMillis }

    /// The recent stretch's shipped windows, when it is due.
    func recent(_ group: CheckpointState.Group, now: EpochMillis) -> [TimeRange]? {
        if let last = group.recentVerifiedAt, now - last < intervalMillis { return nil }
        let end = now - tailMillis
        let windows = Self.covered(TimeRange(start: end - recentMillis, end: end), by: group.shipped)
        return windows.isEmpty ? nil : windows
    }

    /// The next stretch a stage is due to compare: the oldest stage first, and within it
    /// the newest part still to do, back to `oldest`. A stage's edge moves in steps of the
    /// interval, so it takes whole stretches (never a sliver the clock added since the last
    /// call, which reconcile would round away — comparing nothing, over and over).
    func nextStage(_ group: CheckpointState.Group, oldest: EpochMillis, now: EpochMillis) -> (stage: Stage, window: TimeRange)? {
        let step = max(60_000, intervalMillis)
        for stage in Self.stages.reversed() {
            let edge = Self.floorDiv(now - Self.age(of: stage, keptMillis: now - oldest), step) * step
            let region = TimeRange(start: oldest, end: edge)
            guard !region.isEmpty else { continue }
            let verified = group.verified[stage.name] ?? IntervalSet()
            let due = Self.covered(region, by: group.shipped).flatMap { verified.gaps(in: $0) }
            if let newest = due.last {
                return (stage, newest.chunksNewestFirst(length: Self.stageChunk)[0])
            }
        }
        return nil
    }

    static func floorDiv(_ value: EpochMillis, _ divisor: EpochMillis) -> EpochMillis {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    /// The age at which `stage` compares a stretch when the daemon keeps `keptMillis` of
    /// history: its own, or where less is kept, early enough (half the kept history, or a
    /// day before it ends, whichever is later) that the stretch is compared before it leaves it.
    static func age(of stage: Stage, keptMillis: EpochMillis) -> EpochMillis {
        let margin = min(keptMillis / 2, WallClock.millisPerDay)
        return max(60_000, min(stage.age, keptMillis - margin))
    }

    /// The stages a stretch compared now has passed: every one whose age (for history kept
    /// back to `oldest`) its end has reached.
    static func stagesPassed(by window: TimeRange, oldest: EpochMillis, now: EpochMillis) -> [Stage] {
        stages.filter { now - window.end >= age(of: $0, keptMillis: now - oldest) }
    }

    /// The parts of `range` covered by `shipped`, a minute or longer.
    static func covered(_ range: TimeRange, by shipped: IntervalSet) -> [TimeRange] {
        shipped.ranges.compactMap { part in
            let overlap = TimeRange(start: max(part.start, range.start), end: min(part.end, range.end))
            return overlap.duration >= 60_000 ? overlap : nil
        }
    }
}

