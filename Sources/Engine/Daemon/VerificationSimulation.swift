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

    /// `keptDays`: how far back the daemon works (BACKFILL_DAYS, default 30), counted from each moment.
    package static func run(schedule: VerificationSchedule, days: Int, roundMillis: EpochMillis = 60_000, keptDays: Int = 30) -> Result {
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
            let oldest = now - EpochMillis(keptDays) * WallClock.millisPerDay
            while let (stage, window) = schedule.nextStage(group, oldest: oldest, now: now) {
                read(window, stage.name)
                for passed in VerificationSchedule.stagesPassed(by: window, oldest: oldest, now: now) { group.verified[passed.name, default: IntervalSet()].insert(window) }
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
