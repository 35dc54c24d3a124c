/// The daemon's background worker: one task at a time, always the most urgent — mapping-
/// conflict healing and recent history (high), verification of the recent stretch every
/// RECONCILE_INTERVAL_SECS and of days the seasonal model finds short (normal), older
/// history and the later stages of the verification schedule (low), history beyond a year
/// (idle). See `VerificationSchedule`. It passes the priority gate before every page (for
/// Elasticsearch and the account and region the group is read from) and steps aside
/// between pages when more urgent work appears. It owns the verification state: what
/// looks short, what was checked, how long each group is kept.
actor BackgroundScheduler {
    /// A heal round over the prefix (the engine's `Healer`).
    typealias Heal = @Sendable (CopyControl) async throws -> HealReport

    let context: DaemonContext
    let copier: WindowCopier
    let reconciler: Reconciler
    let gate: PriorityGate
    let heal: Heal
    let planner: BackgroundPlanner
    let schedule: VerificationSchedule
    /// For groups read through their subscription: no tail re-reads their newest stretch,
    /// so history and verification reach up to TAIL_MIN_OVERLAP_SECS behind now (the margin
    /// `KinesisConsumer` leaves for CloudWatch's delivery) instead of TAIL_MAX_OVERLAP_SECS.
    let subscribedPlanner: BackgroundPlanner
    let subscribedSchedule: VerificationSchedule
    let seasonal: SeasonalModels
    let retentionReader: ClusterRetention
    /// What runs now, for the reporter.
    private(set) var running: BackgroundTask?
    private var failures = 0
    private var lastHealCheck = -Double.infinity
    /// A day the seasonal model finds short in Elasticsearch, to compare next, per group.
    var suspicious: [GroupKey: TimeRange] = [:]
    /// Days compared because they looked short, and when, per group: each at most once a week.
    var checkedSuspicious: [GroupKey: [EpochMillis: EpochMillis]] = [:]
    /// CloudWatch's retention of each group, once read.
    var retention: [GroupKey: Int?] = [:]
    /// How long Elasticsearch keeps each group's documents (nil inside: as long as it likes),
    /// and when that was read.
    private var clusterRetention: [GroupKey: (found: ClusterRetention.Found?, readAt: Double)] = [:]

    init(context: DaemonContext, copier: WindowCopier, reconciler: Reconciler, gate: PriorityGate, heal: @escaping Heal,
         seasonal: SeasonalModels, retentionReader: ClusterRetention) {
        let settings = context.settings
        self.context = context
        self.copier = copier
        self.reconciler = reconciler
        self.gate = gate
        self.heal = heal
        self.seasonal = seasonal
        self.retentionReader = retentionReader
        planner = BackgroundPlanner(historyMillis: EpochMillis(settings.backfillDays) * WallClock.millisPerDay,
                                    tailMillis: EpochMillis(settings.tailMaxOverlapSecs) * 1000)
        schedule = VerificationSchedule(intervalMillis: EpochMillis(settings.reconcileIntervalSecs) * 1000,
                                        tailMillis: EpochMillis(settings.tailMaxOverlapSecs) * 1000)
        let margin = EpochMillis(settings.tailMinOverlapSecs) * 1000
        subscribedPlanner = BackgroundPlanner(historyMillis: planner.historyMillis, tailMillis: margin)
        subscribedSchedule = VerificationSchedule(intervalMillis: schedule.intervalMillis, tailMillis: margin)
    }

    /// Until shutdown: the most urgent task, one at a time.
    func run() async {
        let shutdown = context.shutdown
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
            do {
                try await perform(task)
                failures = 0
            } catch {
                failures += 1
                await context.countError(stage: "background")
                Log.group(task.group).error("background work failed; it will be retried", ("priority", task.priority), ("error", error))
                // A permanent problem (the group is gone, access denied) also rests the group's tail.
                _ = await context.roster.failed(task.group, error: error)
                await shutdown.wait(seconds: min(60, Double(failures) * 5))
            }
            running = nil
        }
    }

    private func perform(_ task: BackgroundTask) async throws {
        let reading = task.group == "*" ? nil : context.pipeline.source.route(task.group).client.stress
        let control = CopyControl(gate: gate, reading: reading, stop: { [weak self] priority in await self?.shouldStop(priority) ?? true })
        switch task.kind {
        case .backfill(let range):
            var report = GroupReport(group: task.group.rawValue, index: context.layout.stableName(for: task.group))
            let started = WallClock.monotonicSeconds()
            let finished = try await copier.copy(group: task.group, range: range, into: &report, priority: task.priority, control: control)
            await context.roster.add(report, of: task.group)
            Log.group(task.group).info(finished ? "backfill window done" : "backfill window paused for more urgent work",
                                       ("window", range), ("priority", task.priority), ("events", report.eventsRead),
                                       ("ms", Int((WallClock.monotonicSeconds() - started) * 1000)))
        case .verify(let windows, let verification):
            try await verify(task.group, windows, verification, control: control)
        case .heal:
            lastHealCheck = WallClock.monotonicSeconds()
            let report = try await heal(control)
            if !report.plan.isEmpty {
                Log.info("heal round done", ("conflicts", report.plan.conflicts.count), ("rebuilt", report.results.count),
                         ("remaining", report.remaining.count), ("errors", report.errors.count))
            }
        }
    }

    /// The most urgent piece of background work, if any.
    func nextTask() async -> BackgroundTask? {
        let now = WallClock.nowMillis()
        var candidates: [BackgroundTask] = []
        if WallClock.monotonicSeconds() - lastHealCheck >= Double(context.settings.reconcileIntervalSecs), await context.leads {
            candidates.append(BackgroundTask(group: "*", kind: .heal, priority: .high))
        }
        for group in await context.roster.due() {
            guard await context.mine(group) else { continue }
            let oldest = await oldestKept(group, now: now)
            let entry = await context.pipeline.checkpoints.group(group.rawValue)
            let subscribed = context.subscribed(group)
            let (schedule, planner) = subscribed ? (subscribedSchedule, subscribedPlanner) : (schedule, planner)
            if let windows = schedule.recent(entry, now: now) {
                candidates.append(BackgroundTask(group: group, kind: .verify(windows, .recent), priority: .normal))
            }
            if let day = suspicious[group] {
                let windows = VerificationSchedule.covered(day, by: entry.shipped)
                if !windows.isEmpty { candidates.append(BackgroundTask(group: group, kind: .verify(windows, .shortDay), priority: .normal)) }
            }
            if let (stage, window) = schedule.nextStage(entry, oldest: oldest, now: now) {
                candidates.append(BackgroundTask(group: group, kind: .verify([window], .stage(stage)), priority: .low))
            }
            if let task = planner.nextBackfill(group: group, shipped: entry.shipped, oldest: oldest, now: now) { candidates.append(task) }
        }
        // Most urgent first; among equals, backfill before reconcile, and the newest history first.
        return candidates.max { lhs, rhs in
            if lhs.priority != rhs.priority { return lhs.priority < rhs.priority }
            return lhs.rank < rhs.rank
        }
    }

    /// Between pages: stop for shutdown, or for work more urgent than `priority`.
    private func shouldStop(_ priority: Priority) async -> Bool {
        if context.shutdown.isRequested { return true }
        // Its lease went to another instance: that one carries on from the checkpoint.
        if let running, running.group != "*", !(await context.mine(running.group)) { return true }
        guard let next = await nextTask() else { return false }
        return next.priority > priority
    }

    /// The oldest time the daemon works on for `group`: BACKFILL_DAYS back, or less when the
    /// cluster deletes the group's documents sooner (read hourly; said once when it limits).
    func oldestKept(_ group: GroupKey, now: EpochMillis) async -> EpochMillis {
        let history = now - EpochMillis(context.settings.backfillDays) * WallClock.millisPerDay
        let clock = WallClock.monotonicSeconds()
        if clock - (clusterRetention[group]?.readAt ?? -.infinity) >= 3600 {
            let found = await retentionReader.of(stable: context.layout.stableName(for: group))
            if found != clusterRetention[group]?.found, let found, now - found.millis > history {
                Log.group(group).info("Elasticsearch keeps this group's documents for less than BACKFILL_DAYS; older history is neither copied nor verified", ("kept", found))
            }
            clusterRetention[group] = (found, clock)
        }
        guard let found = clusterRetention[group]?.found else { return history }
        // An hour inside the edge: never race the cluster's own deletion of that stretch.
        return max(history, now - found.millis + WallClock.millisPerHour)
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
