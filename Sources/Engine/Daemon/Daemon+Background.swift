/// The daemon's background worker: one task at a time, always the most urgent — heal,
/// recent history, verification (`VerificationSchedule`), older history.
extension Daemon {
    /// The most urgent piece of background work, if any.
    func nextTask() async -> BackgroundTask? {
        let now = WallClock.nowMillis()
        let clock = WallClock.monotonicSeconds()
        var candidates: [BackgroundTask] = []
        if clock - lastHealCheck >= Double(engine.settings.reconcileIntervalSecs), await leads {
            candidates.append(BackgroundTask(group: "*", kind: .heal, priority: .high))
        }
        for group in groups where health.isDue(group, now: clock) {
            guard await mine(group) else { continue }
            let oldest = await oldestKept(group, now: now)
            let entry = await parts.checkpoints.group(group)
            if let windows = schedule.recent(entry, now: now) {
                candidates.append(BackgroundTask(group: group, kind: .verify(windows, stage: nil), priority: .normal))
            }
            if let day = suspicious[group] {
                let windows = VerificationSchedule.covered(day, by: entry.shipped)
                if !windows.isEmpty { candidates.append(BackgroundTask(group: group, kind: .verify(windows, stage: Self.suspiciousStage), priority: .normal)) }
            }
            if let (stage, window) = schedule.nextStage(entry, oldest: oldest, now: now) {
                candidates.append(BackgroundTask(group: group, kind: .verify([window], stage: stage.name), priority: .low))
            }
            if let task = planner.nextBackfill(group: group, shipped: entry.shipped, oldest: oldest, now: now) { candidates.append(task) }
        }
        // Most urgent first; among equals, backfill before reconcile, and the newest history first.
        return candidates.max { lhs, rhs in
            if lhs.priority != rhs.priority { return lhs.priority < rhs.priority }
            return lhs.rank < rhs.rank
        }
    }

    /// The oldest time the daemon works on for `group`: BACKFILL_DAYS back, or less when the
    /// cluster deletes the group's documents sooner (read hourly; said once when it limits).
    func oldestKept(_ group: String, now: EpochMillis) async -> EpochMillis {
        let history = now - EpochMillis(engine.settings.backfillDays) * WallClock.millisPerDay
        let clock = WallClock.monotonicSeconds()
        if clock - (clusterRetention[group]?.readAt ?? -.infinity) >= 3600 {
            let found = await retentionReader.of(stable: engine.layout.stableName(for: group))
            if found != clusterRetention[group]?.found, let found, now - found.millis > history {
                Log.group(group).info("Elasticsearch keeps this group's documents for less than BACKFILL_DAYS; older history is neither copied nor verified", ("kept", found))
            }
            clusterRetention[group] = (found, clock)
        }
        guard let found = clusterRetention[group]?.found else { return history }
        // An hour inside the edge: never race the cluster's own deletion of that stretch.
        return max(history, now - found.millis + WallClock.millisPerHour)
    }

    /// Between pages: stop for shutdown, or for work more urgent than `priority`.
    func shouldStop(_ priority: Priority) async -> Bool {
        if shutdown.isRequested { return true }
        // Its lease went to another instance: that one carries on from the checkpoint.
        if let running, running.group != "*", !(await mine(running.group)) { return true }
        guard let next = await nextTask() else { return false }
        return next.priority > priority
    }

    func backgroundLoop() async {
        var worked = false
        while !shutdown.isRequested {
            guard let task = await nextTask() else {
                if worked { ProcessTuning.releaseFreeMemory() }
                worked = false
                await shutdown.wait(seconds: 5)
                continue
            }
            worked = true
            running = task
            let control = CopyControl(gate: gate, stop: { [weak self] priority in await self?.shouldStop(priority) ?? true })
            do {
                switch task.kind {
                case .backfill(let range):
                    var report = GroupReport(group: task.group, index: engine.layout.stableName(for: task.group))
                    let started = WallClock.monotonicSeconds()
                    let finished = try await copier.copy(group: task.group, range: range, into: &report, priority: task.priority, control: control)
                    add(report)
                    Log.group(task.group).info(finished ? "backfill window done" : "backfill window paused for more urgent work",
                             ("window", range), ("priority", task.priority), ("events", report.eventsRead),
                             ("ms", Int((WallClock.monotonicSeconds() - started) * 1000)))
                case .verify(let windows, let stage):
                    try await verify(task.group, windows, stage: stage, control: control)
                case .heal:
                    lastHealCheck = WallClock.monotonicSeconds()
                    let report = try await engine.healer(client: engine.elasticsearch(), bootstrap: parts.bootstrap, cluster: parts.cluster, sink: parts.sink)
                        .heal(dryRun: false, control: control)
                    if !report.plan.isEmpty {
                        Log.info("heal round done", ("conflicts", report.plan.conflicts.count), ("rebuilt", report.results.count),
                                 ("remaining", report.remaining.count), ("errors", report.errors.count))
                    }
                }
                backgroundFailures = 0
            } catch {
                backgroundFailures += 1
                await countError(stage: "background")
                Log.group(task.group).error("background work failed; it will be retried", ("priority", task.priority), ("error", error))
                // A permanent problem (the group is gone, access denied) also rests the group's tail.
                _ = health.failed(task.group, error: error, now: WallClock.monotonicSeconds())
                await shutdown.wait(seconds: min(60, Double(backgroundFailures) * 5))
            }
            running = nil
        }
    }

    /// The `stage` a verification task marks a day the seasonal model found short with.
    static let suspiciousStage = "seasonal"

    /// Compares `windows` and repairs them; marks what was compared in the checkpoint
    /// (each stage whose age the window has reached) unless the round was cut short.
    func verify(_ group: String, _ windows: [TimeRange], stage: String?, control: CopyControl) async throws {
        if retention[group] == nil { retention[group] = .some(try await parts.source.retentionDays(group: group)) }
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
                try await parts.checkpoints.markVerified(group, stage: passed.name, window)
            }
            if !report.discrepancies.isEmpty || report.reshipped > 0 {
                Log.group(group).info("reconcile repaired", ("window", window), ("stage", stage ?? "recent"), ("bad_windows", report.discrepancies.count),
                         ("reshipped", report.reshipped), ("duplicates_removed", report.duplicatesRemoved), ("extras", report.extrasFound))
            }
            await metrics.add("logstream_reconcile_reshipped_total", Double(report.reshipped), labels: [("group", group)],
                              help: "Events reconciliation found missing in Elasticsearch and shipped")
            await noteSilentHours(group, report.cloudWatchHourly)
            await seasonal.record(group, hourly: report.cloudWatchHourly)
        }
        try? await seasonal.save()
        switch stage {
        case nil:
            try await parts.checkpoints.markRecentVerified(group, at: started)
            suspicious[group] = try await suspiciousDay(group)
        case Self.suspiciousStage?:
            suspicious[group] = nil
        default:
            break
        }
        Log.group(group).debug("verification done", ("stage", stage ?? "recent"), ("windows", windows.count), ("consistent", consistent))
    }

    /// An hour CloudWatch itself has no events for, where the group is usually busy, is worth
    /// a word: nothing is missing from the copy, but whatever writes these logs may be down.
    func noteSilentHours(_ group: String, _ hourly: [EpochMillis: Int]) async {
        let model = await seasonal.model(group)
        for (hour, count) in hourly.sorted(by: { $0.key < $1.key }) where count == 0 && !model.emptyIsPlausible(at: hour) {
            Log.group(group).warn("CloudWatch has no events for an hour in which this group usually has many; is its source running?",
                     ("hour", Timestamp.format(hour)), ("usual", Int(model.expectation(at: hour)?.mean ?? 0)))
            await metrics.add("logstream_silent_hours_total", labels: [("group", group)], help: "Hours without CloudWatch events where the seasonal model expected many")
        }
    }

    /// A day within the history that the seasonal model finds most short of its usual
    /// volume in Elasticsearch, if any (one Elasticsearch query; CloudWatch is read only when
    /// a day is chosen): a hole someone made in the copy is found in one round, whatever
    /// its age. Each day is chosen at most once a week.
    func suspiciousDay(_ group: String) async throws -> TimeRange? {
        let now = WallClock.nowMillis()
        let historyStart = await oldestKept(group, now: now)
        let model = await seasonal.model(group)
        let olderEnd = (now - WallClock.millisPerDay) / WallClock.millisPerHour * WallClock.millisPerHour
        guard model.expectation(at: olderEnd) != nil, olderEnd > historyStart else { return nil }
        let range = TimeRange(start: max(historyStart, olderEnd - 28 * WallClock.millisPerDay), end: olderEnd)
        let counts = try await windows.hourlyCounts(group: group, range: range)
        let shipped = await parts.checkpoints.shipped(group)
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

extension BackgroundTask {
    /// Among tasks of one priority: backfill first, newer history first.
    var rank: EpochMillis {
        switch kind {
        case .backfill(let range): return range.end
        case .verify, .heal: return .min
        }
    }
}
