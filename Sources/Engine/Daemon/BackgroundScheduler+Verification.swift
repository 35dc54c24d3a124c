/// The background's verification: compare, repair, remember what was compared, and learn
/// each group's usual volume to find holes someone made in the copy.
extension BackgroundScheduler {
    /// Compares `windows` and repairs them; marks what was compared in the checkpoint
    /// (each stage whose age the window has reached) unless the round was cut short.
    func verify(_ group: GroupKey, _ windows: [TimeRange], _ verification: Verification, control: CopyControl) async throws {
        let checkpoints = context.pipeline.checkpoints
        if retention[group] == nil { retention[group] = .some(try await context.pipeline.source.retentionDays(group: group)) }
        let started = WallClock.nowMillis()
        let oldest = await oldestKept(group, now: started)
        var consistent = true
        for window in windows {
            let report = await reconciler.reconcile(group: group, range: window, retentionDays: retention[group] ?? nil, control: control)
            if let error = report.error { throw error.underlying }
            if report.stoppedEarly {
                // Cut short (more urgent work, a heal of this group): not compared, so not
                // marked; it comes up again once the urgent work is done.
                Log.group(group).debug("verification paused", ("window", window), ("reason", report.skipped ?? "more urgent work"))
                return
            }
            consistent = consistent && report.consistent
            for passed in VerificationSchedule.stagesPassed(by: window, oldest: oldest, now: started) {
                try await checkpoints.markVerified(group.rawValue, stage: passed.name, window)
            }
            if !report.discrepancies.isEmpty || report.reshipped > 0 {
                Log.group(group).info("reconcile repaired", ("window", window), ("stage", verification), ("bad_windows", report.discrepancies.count),
                                      ("reshipped", report.reshipped), ("duplicates_removed", report.duplicatesRemoved), ("extras", report.extrasFound))
            }
            await context.metrics.add("logstream_reconcile_reshipped_total", Double(report.reshipped), labels: [("group", group.rawValue)],
                                      help: "Events reconciliation found missing in Elasticsearch and shipped")
            await noteSilentHours(group, report.cloudWatchHourly)
            await seasonal.record(group.rawValue, hourly: report.cloudWatchHourly)
        }
        try? await seasonal.save()
        switch verification {
        case .recent:
            try await checkpoints.markRecentVerified(group.rawValue, at: started)
            suspicious[group] = try await suspiciousDay(group)
        case .shortDay:
            suspicious[group] = nil
        case .stage:
            break
        }
        Log.group(group).debug("verification done", ("stage", verification), ("windows", windows.count), ("consistent", consistent))
    }

    /// An hour CloudWatch itself has no events for, where the group is usually busy, is worth
    /// a word: nothing is missing from the copy, but whatever writes these logs may be down.
    func noteSilentHours(_ group: GroupKey, _ hourly: [EpochMillis: Int]) async {
        let model = await seasonal.model(group.rawValue)
        for (hour, count) in hourly.sorted(by: { $0.key < $1.key }) where count == 0 && !model.emptyIsPlausible(at: hour) {
            Log.group(group).warn("CloudWatch has no events for an hour in which this group usually has many; is its source running?",
                                  ("hour", Timestamp.format(hour)), ("usual", Int(model.expectation(at: hour)?.mean ?? 0)))
            await context.metrics.add("logstream_silent_hours_total", labels: [("group", group.rawValue)], help: "Hours without CloudWatch events where the seasonal model expected many")
        }
    }

    /// A day within the history that the seasonal model finds most short of its usual
    /// volume in Elasticsearch, if any (one Elasticsearch query; CloudWatch is read only when
    /// a day is chosen): a hole someone made in the copy is found in one round, whatever
    /// its age. Each day is chosen at most once a week.
    func suspiciousDay(_ group: GroupKey) async throws -> TimeRange? {
        let now = WallClock.nowMillis()
        let historyStart = await oldestKept(group, now: now)
        let model = await seasonal.model(group.rawValue)
        let olderEnd = (now - WallClock.millisPerDay) / WallClock.millisPerHour * WallClock.millisPerHour
        guard model.expectation(at: olderEnd) != nil, olderEnd > historyStart else { return nil }
        let range = TimeRange(start: max(historyStart, olderEnd - 28 * WallClock.millisPerDay), end: olderEnd)
        let counts = try await reconciler.elasticsearch.hourlyCounts(group: group, range: range)
        let shipped = await context.pipeline.checkpoints.shipped(group.rawValue)
        let hours = counts.keys.filter { shipped.covers(TimeRange(start: $0, end: $0 + WallClock.millisPerHour)) }.sorted()
        let recently = checkedSuspicious[group, default: [:]].filter { now - $0.value < 7 * WallClock.millisPerDay }
        checkedSuspicious[group] = recently
        guard let day = model.suspiciousDays(counts, hours: hours).first(where: { recently[$0.day] == nil }) else { return nil }
        checkedSuspicious[group, default: [:]][day.day] = now
        Log.group(group).info("reconcile: a day looks short of its usual volume; checking it next",
                              ("day", Timestamp.format(day.day)), ("score", Int(day.score)))
        return TimeRange(start: day.day, end: day.day + WallClock.millisPerDay)
    }
}
