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
///   compared is remembered in the checkpoint, so a restart does not start over.
///
/// At the defaults every event is read about 7 times in all, whatever the volume
/// (`make bench`, read amplification).
public struct VerificationSchedule: Sendable {
    public struct Stage: Sendable, Equatable {
        public var name: String
        /// A stretch is compared at this stage once its end is at least this old.
        public var age: EpochMillis
    }

    public static let stages = [
        Stage(name: "1d", age: WallClock.millisPerDay + WallClock.millisPerHour),
        Stage(name: "15d", age: 15 * WallClock.millisPerDay),
    ]

    /// RECONCILE_INTERVAL_SECS.
    public let intervalMillis: EpochMillis
    /// The newest stretch belongs to the tail (TAIL_MAX_OVERLAP_SECS).
    public let tailMillis: EpochMillis
    /// A stage compares at most this much per task, so more urgent work can interleave.
    static let stageChunk = WallClock.millisPerDay

    public init(intervalMillis: EpochMillis, tailMillis: EpochMillis) {
        self.intervalMillis = intervalMillis
        self.tailMillis = tailMillis
    }

    /// How far behind the tail's window the recent stretch reaches.
    public var recentMillis: EpochMillis { WallClock.millisPerHour + intervalMillis }

    /// The recent stretch's shipped windows, when it is due.
    public func recent(_ group: CheckpointState.Group, now: EpochMillis) -> [TimeRange]? {
        if let last = group.recentVerifiedAt, now - last < intervalMillis { return nil }
        let end = now - tailMillis
        let windows = Self.covered(TimeRange(start: end - recentMillis, end: end), by: group.shipped)
        return windows.isEmpty ? nil : windows
    }

    /// The next stretch a stage is due to compare: the oldest stage first, and within it
    /// the newest part still to do, back to `oldest`. A stage's edge moves in steps of the
    /// interval, so it takes whole stretches (never a sliver the clock added since the last
    /// call, which reconcile would round away — comparing nothing, over and over).
    public func nextStage(_ group: CheckpointState.Group, oldest: EpochMillis, now: EpochMillis) -> (stage: Stage, window: TimeRange)? {
        let step = max(60_000, intervalMillis)
        for stage in Self.stages.reversed() {
            let edge = Self.floorDiv(now - stage.age, step) * step
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

    /// The stages a stretch compared now has passed: every one whose age its end has reached.
    public static func stagesPassed(by window: TimeRange, now: EpochMillis) -> [Stage] {
        stages.filter { now - window.end >= $0.age }
    }

    /// The parts of `range` covered by `shipped`, a minute or longer.
    static func covered(_ range: TimeRange, by shipped: IntervalSet) -> [TimeRange] {
        shipped.ranges.compactMap { part in
            let overlap = TimeRange(start: max(part.start, range.start), end: min(part.end, range.end))
            return overlap.duration >= 60_000 ? overlap : nil
        }
    }
}

/// The schedule run against a manual clock: one group taking events at a steady rate from
/// `start`, shipped by the tail as they come, the daemon's background loop running every
/// verification task as soon as it is due. Counts, per minute of data, how often it was
/// read for verification. For `make bench` (read amplification) and the schedule's tests.
package struct VerificationSimulation {
    package struct Result {
        /// Reads per minute of data, over minutes whose whole schedule has passed.
        package var readsPerMinute: [Int]
        /// Reads per minute by purpose ("recent", a stage's name), summed over those minutes.
        package var readsByPurpose: [String: Int]
        /// For each completed minute, the longest gap (ms) between recent comparisons while
        /// its age was within the recent stretch: an event arriving late in that gap waits
        /// at most this long after the tail's window has passed.
        package var longestRecentGap: EpochMillis
        package var meanReads: Double { readsPerMinute.isEmpty ? 0 : Double(readsPerMinute.reduce(0, +)) / Double(readsPerMinute.count) }
    }

    package static func run(schedule: VerificationSchedule, days: Int, roundMillis: EpochMillis = 60_000) -> Result {
        let start: EpochMillis = 1_700_006_400_000 / WallClock.millisPerDay * WallClock.millisPerDay
        let end = start + EpochMillis(days) * WallClock.millisPerDay
        let minutes = Int((end - start) / 60_000)
        var reads = [Int](repeating: 0, count: minutes)
        var byPurpose: [String: [Int]] = [:]
        var lastRecent = [EpochMillis?](repeating: nil, count: minutes)
        var longestGap: [EpochMillis] = [EpochMillis](repeating: 0, count: minutes)
        var group = CheckpointState.Group()
        var now = start
        func read(_ window: TimeRange, _ purpose: String) {
            let first = Int((window.start - start) / 60_000), last = Int((window.end - start + 59_999) / 60_000)
            for minute in max(0, first)..<min(minutes, last) {
                reads[minute] += 1
                byPurpose[purpose, default: [Int](repeating: 0, count: minutes)][minute] += 1
            }
        }
        while now < end {
            group.shipped.insert(TimeRange(start: start, end: now))
            if let windows = schedule.recent(group, now: now) {
                for window in windows {
                    read(window, "recent")
                    let first = Int((window.start - start) / 60_000), last = Int((window.end - start) / 60_000)
                    for minute in max(0, first)..<min(minutes, last) {
                        if let previous = lastRecent[minute] { longestGap[minute] = max(longestGap[minute], now - previous) }
                        lastRecent[minute] = now
                    }
                }
                group.recentVerifiedAt = now
            }
            while let (stage, window) = schedule.nextStage(group, oldest: start, now: now) {
                read(window, stage.name)
                for passed in VerificationSchedule.stagesPassed(by: window, now: now) { group.verified[passed.name, default: IntervalSet()].insert(window) }
            }
            now += roundMillis
        }
        let oldestStage = VerificationSchedule.stages.map(\.age).max() ?? 0
        // A stage's edge moves in steps of the interval: the last step's minutes are not done yet.
        let completed = max(0, Int((end - oldestStage - roundMillis - schedule.intervalMillis - start) / 60_000))
        return Result(readsPerMinute: Array(reads.prefix(completed)),
                      readsByPurpose: byPurpose.mapValues { $0.prefix(completed).reduce(0, +) },
                      longestRecentGap: longestGap.prefix(completed).max() ?? 0)
    }
}
