import Engine

/// How many times the daemon reads each CloudWatch event for verification, at default
/// settings, simulated over 31 days against a manual clock and a steady stream: the
/// verification schedule next to the schedule it replaced (the last day re-read every
/// RECONCILE_INTERVAL_SECS, plus one older day per round walking back BACKFILL_DAYS).
struct ReadAmplification {
    let interval: EpochMillis = 900_000
    let tail: EpochMillis = 900_000
    let historyDays = 30

    func run() -> [String] {
        let schedule = VerificationSchedule(intervalMillis: interval, tailMillis: tail)
        let current = VerificationSimulation.run(schedule: schedule, days: 31)
        let previous = previousSchedule(days: 31)
        let purposes = current.readsByPurpose.keys.sorted().map { "\($0) \(String(format: "%.1f", Double(current.readsByPurpose[$0]!) / Double(current.readsPerMinute.count)))" }
        // The tail reads just behind the newest event every poll — (2 × lag + quick margin +
        // poll) / poll, at half a second of lag — and sweeps the least window every
        // (window + margin) / 2: window / that more. (It re-read the whole window every poll:
        // (60 + 15) / 15 = 5.)
        let poll = 15.0, lag = 0.5, window = 60.0
        let tailReads = (2 * lag + Double(TailWindow.quickMargin) / 1000 + poll) / poll + window / ((window + Double(TailWindow.margin) / 1000) / 2)
        return [
            "read-amplification verification_schedule \(String(format: "%.2f", current.meanReads)) max \(current.readsPerMinute.max() ?? 0) (\(purposes.joined(separator: ", ")))",
            "read-amplification previous_schedule \(String(format: "%.1f", previous))",
            "read-amplification tail_overlap \(String(format: "%.1f", tailReads))",
            "read-amplification longest_recent_gap_s \(current.longestRecentGap / 1000)",
        ]
    }

    /// Reads per minute of data under the old schedule, over minutes that saw a whole
    /// walk of the history.
    func previousSchedule(days: Int) -> Double {
        let day = WallClock.millisPerDay
        let start: EpochMillis = 0
        let end = start + EpochMillis(days) * day
        let minutes = Int(end / 60_000)
        var reads = [Int](repeating: 0, count: minutes)
        func read(_ range: TimeRange) {
            let first = max(0, Int(range.start / 60_000)), last = min(minutes, Int(range.end / 60_000))
            if first < last { for minute in first..<last { reads[minute] += 1 } }
        }
        var cursor: EpochMillis?
        var now = start
        while now < end {
            read(TimeRange(start: max(start, now - tail - day), end: now - tail))
            if let older = cursor { read(TimeRange(start: max(start, older - day), end: older)) }
            let next = (cursor ?? now - day) - day
            cursor = next <= now - EpochMillis(historyDays) * day || next <= start ? nil : next
            now += interval
        }
        // Minutes old enough to have been through the last day and one history walk.
        let settled = reads.prefix(minutes - Int((2 * day) / 60_000))
        return Double(settled.reduce(0, +)) / Double(max(1, settled.count))
    }
}
