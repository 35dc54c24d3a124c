/// Copies history: for every group, the parts of the range not yet shipped, newest
/// day first, so recent data is searchable soonest. Resumable: finished ranges are in
/// the checkpoint and are skipped next time.
struct Backfill: Sendable {
    let copier: WindowCopier
    let checkpoints: CheckpointStore
    let layout: IndexLayout
    var groupConcurrency: Int = 4
    var progress: ProgressMeter?
    /// What the cluster keeps: history older than that is not copied back.
    var retention: ClusterRetention?
    /// SIGINT/SIGTERM: stop after the current page, with what was acknowledged saved.
    var shutdown: ShutdownSignal?

    func run(groups: [GroupKey], range: TimeRange) async -> [GroupReport] {
        if let progress {
            for group in groups {
                await progress.addTotal(await checkpoints.shipped(group.rawValue).gaps(in: range).reduce(0) { $0 + $1.duration })
            }
        }
        return await withTaskGroup(of: GroupReport.self) { tasks in
            var reports: [GroupReport] = []
            var next = 0
            func startNext() {
                guard next < groups.count, shutdown?.isRequested != true else { return }
                let group = groups[next]
                next += 1
                tasks.addTask { await self.backfill(group: group, range: range) }
            }
            for _ in 0..<min(groupConcurrency, groups.count) { startNext() }
            for await report in tasks {
                reports.append(report)
                startNext()
            }
            return groups.compactMap { name in reports.first { $0.group == name.rawValue } }
        }
    }

    func backfill(group: GroupKey, range requested: TimeRange) async -> GroupReport {
        var report = GroupReport(group: group.rawValue, index: layout.stableName(for: group))
        let started = WallClock.monotonicSeconds()
        var range = requested
        if let kept = await retention?.of(stable: layout.stableName(for: group)) {
            let oldest = WallClock.nowMillis() - kept.millis + WallClock.millisPerHour
            if oldest > range.start {
                Log.group(group).warn("Elasticsearch deletes this group's documents sooner than the range asks; the older part is not copied", ("kept", kept), ("from", Timestamp.format(min(oldest, range.end))))
                let skipped = TimeRange(start: range.start, end: min(oldest, range.end))
                await progress?.advance(covered: await checkpoints.shipped(group.rawValue).gaps(in: skipped).reduce(0) { $0 + $1.duration }, events: 0)
                range.start = skipped.end
            }
        }
        do {
            let gaps = await checkpoints.shipped(group.rawValue).gaps(in: range)
            let windows = gaps.reversed().flatMap { $0.chunksNewestFirst(length: WallClock.millisPerDay) }
            if windows.isEmpty {
                Log.group(group).info("backfill: range already shipped", ("range", range))
            }
            let shutdown = self.shutdown
            let control = CopyControl(stop: { _ in shutdown?.isRequested ?? false }, progress: progress)
            for window in windows {
                let before = report.eventsRead
                let windowStarted = WallClock.monotonicSeconds()
                let finished = try await copier.copy(group: group, range: window, into: &report, control: control)
                guard finished, shutdown?.isRequested != true else {
                    Log.group(group).info("backfill stopped by a signal; what Elasticsearch acknowledged is in the checkpoint, the next run goes on from there")
                    break
                }
                Log.group(group).info("backfill window done", ("window", window), ("events", report.eventsRead - before),
                         ("ms", Int((WallClock.monotonicSeconds() - windowStarted) * 1000)))
            }
        } catch {
            report.error = ReportedError(error)
            Log.group(group).error("backfill failed for group", ("error", error))
        }
        Log.group(group).info("backfill group done", ("events", report.eventsRead), ("created", report.outcome.created),
                 ("already_present", report.outcome.alreadyPresent), ("rewritten", report.outcome.rewritten), ("dead_lettered", report.outcome.deadLettered),
                 ("ms", Int((WallClock.monotonicSeconds() - started) * 1000)))
        return report
    }
}
