/// `tail --follow`: everything in one process until SIGINT/SIGTERM.
///
/// - The live tail of every group (critical), every POLL_INTERVAL_SECS; new groups that
///   match LOG_GROUPS patterns are picked up every GROUP_DISCOVERY_INTERVAL_SECS.
/// - One background worker, always on the most urgent piece of work: mapping-conflict
///   healing and recent history (high), verification of the recent stretch every
///   RECONCILE_INTERVAL_SECS and of days the seasonal model finds short (normal), older
///   history and the later stages of the verification schedule (low), history beyond a
///   year (idle). See `VerificationSchedule`. It passes the priority
///   gate before every page and steps aside between pages when more urgent work appears.
/// - With COORDINATION=elasticsearch, only the groups this instance holds leases on.
/// - Refresh tuning every ES_REFRESH_TUNE_INTERVAL_SECS.
/// - A summary line a minute and, with a metrics file, Prometheus metrics every 10 s.
///
/// Checkpoints are written through as Elasticsearch acknowledges, so stopping is only a
/// matter of not starting the next page.
actor Daemon {
    let engine: Engine
    let parts: Engine.Pipeline
    let tail: Tail
    let copier: WindowCopier
    let reconciler: Reconciler
    let gate: PriorityGate
    let shutdown: ShutdownSignal
    let metrics = Metrics()
    let metricsFile: String?
    let planner: BackgroundPlanner
    let schedule: VerificationSchedule
    /// With COORDINATION=elasticsearch: which groups this instance holds leases on.
    let coordinator: Coordinator?
    private var groups: [String]
    private var health: GroupHealth
    private var totals: [String: GroupReport] = [:]
    private var lastGoodPass: [String: EpochMillis] = [:]
    private var lastHealCheck = -Double.infinity
    /// A day the seasonal model finds short in Elasticsearch, to compare next, per group.
    private var suspicious: [String: TimeRange] = [:]
    /// Days compared because they looked short, and when, per group: each at most once a week.
    private var checkedSuspicious: [String: [EpochMillis: EpochMillis]] = [:]
    let seasonal: SeasonalModels
    let windows: ElasticsearchWindows
    private var retention: [String: Int?] = [:]
    /// How long Elasticsearch keeps each group's documents (nil inside: as long as it likes),
    /// and when that was read.
    private var clusterRetention: [String: (found: ClusterRetention.Found?, readAt: Double)] = [:]
    let retentionReader: ClusterRetention
    private var running: BackgroundTask?
    private var backgroundFailures = 0

    init(engine: Engine, parts: Engine.Pipeline, tail: Tail, shutdown: ShutdownSignal, metricsFile: String?, coordinator: Coordinator? = nil) {
        self.coordinator = coordinator
        self.engine = engine
        self.parts = parts
        self.tail = tail
        self.shutdown = shutdown
        self.metricsFile = metricsFile
        let settings = engine.settings
        groups = parts.groups
        health = GroupHealth(retryAfter: Double(max(60, settings.groupDiscoveryIntervalSecs)))
        copier = WindowCopier(source: parts.source, sink: parts.sink, checkpoints: parts.checkpoints, builder: parts.builder,
                              layout: engine.layout, presence: parts.presence)
        let queries = QueryCounter()
        seasonal = SeasonalModels(path: engine.seasonalPath)
        windows = ElasticsearchWindows(client: engine.elasticsearch(), layout: engine.layout, queries: queries)
        reconciler = Reconciler(
            source: parts.source, elasticsearch: windows,
            sink: parts.sink, builder: parts.builder, layout: engine.layout, queries: queries,
            options: ReconcileOptions(counts: settings.reconcileCounts), claims: engine.moveClaims(cluster: parts.cluster))
        retentionReader = ClusterRetention(client: engine.elasticsearch())
        gate = parts.gate ?? PriorityGate(trackers: [parts.sink.stress, parts.source.stress], shutdown: shutdown)
        planner = BackgroundPlanner(historyMillis: EpochMillis(settings.backfillDays) * WallClock.millisPerDay,
                                    tailMillis: EpochMillis(settings.tailMaxOverlapSecs) * 1000)
        schedule = VerificationSchedule(intervalMillis: EpochMillis(settings.reconcileIntervalSecs) * 1000,
                                        tailMillis: EpochMillis(settings.tailMaxOverlapSecs) * 1000)
    }

    func run() async -> [GroupReport] {
        let settings = engine.settings
        Log.info("daemon starting", ("groups", groups.count), ("poll_secs", settings.pollIntervalSecs), ("backfill_days", settings.backfillDays),
                 ("reconcile_secs", settings.reconcileIntervalSecs), ("refresh_tune_secs", settings.esRefreshTuneIntervalSecs))
        if let coordinator {
            await coordinator.setGroups(groups)
            await coordinate(coordinator)
        }
        await withTaskGroup(of: Void.self) { loops in
            if let coordinator = self.coordinator {
                loops.addTask { await self.coordinationLoop(coordinator) }
            }
            loops.addTask { await self.tailLoop() }
            loops.addTask { await self.backgroundLoop() }
            loops.addTask { await self.refreshLoop() }
            loops.addTask { await self.reportLoop() }
        }
        await writeMetrics()
        await coordinator?.releaseAll()
        Log.info("daemon stopped; checkpoints are saved", ("groups", totals.count))
        return groups.compactMap { totals[$0] }
    }

    // MARK: - Sharing the groups with other instances

    private func coordinationLoop(_ coordinator: Coordinator) async {
        let interval = await coordinator.roundSeconds
        while !shutdown.isRequested {
            await shutdown.wait(seconds: interval)
            if shutdown.isRequested { break }
            await coordinate(coordinator)
        }
    }

    private func coordinate(_ coordinator: Coordinator) async {
        do {
            try await coordinator.round()
        } catch {
            Log.warn("lease round failed; leases not renewed in time expire and are taken over", ("error", error))
        }
    }

    /// Whether this instance works on `group` now.
    private func mine(_ group: String) async -> Bool {
        guard let coordinator else { return true }
        return await coordinator.owns(group)
    }

    /// Whether this instance does the cluster-wide chores.
    private var leads: Bool {
        get async { await coordinator?.isLeader ?? true }
    }

    // MARK: - The live tail

    /// One worker per group, each on its own timer: a group waiting out a blocked index or
    /// throttling delays only itself. New groups get a worker when discovery finds them.
    private func tailLoop() async {
        let settings = engine.settings
        let patterns = settings.logGroups.contains { $0.hasSuffix("*") }
        var nextDiscovery = WallClock.monotonicSeconds() + Double(settings.groupDiscoveryIntervalSecs)
        await withTaskGroup(of: Void.self) { workers in
            var working: Set<String> = []
            while !shutdown.isRequested {
                for group in groups where !working.contains(group) {
                    working.insert(group)
                    workers.addTask { await self.tailWorker(group) }
                }
                await shutdown.wait(seconds: Double(settings.pollIntervalSecs))
                if patterns && WallClock.monotonicSeconds() >= nextDiscovery && !shutdown.isRequested {
                    nextDiscovery = WallClock.monotonicSeconds() + Double(settings.groupDiscoveryIntervalSecs)
                    await discover()
                }
            }
        }
    }

    /// The live tail of one group: a pass every POLL_INTERVAL_SECS while this instance
    /// works on the group and its health lets it.
    private func tailWorker(_ group: String) async {
        let poll = Double(engine.settings.pollIntervalSecs)
        var wasMine = false
        while !shutdown.isRequested {
            let isMine = await mine(group)
            // Taken over (again) from another instance: what this process remembers is stale.
            if isMine && !wasMine && coordinator != nil { await tail.forget(group) }
            wasMine = isMine
            if isMine && health.isDue(group, now: WallClock.monotonicSeconds()) {
                await pass(group)
            }
            if shutdown.isRequested { break }
            await shutdown.wait(seconds: poll)
        }
    }

    private func pass(_ group: String) async {
        let started = WallClock.nowMillis()
        do {
            let report = try await tail.pass(group: group)
            add(report)
            lastGoodPass[group] = started
            if health.succeeded(group) { Log.info("log group readable again", ("group", group)) }
            if report.eventsRead > 0 {
                Log.info("tail pass", ("group", group), ("read", report.eventsRead), ("created", report.outcome.created),
                         ("already", report.outcome.duplicates), ("ms", WallClock.nowMillis() - started))
            }
        } catch {
            await countError(stage: "tail")
            if health.failed(group, error: error, now: WallClock.monotonicSeconds()) {
                Log.error("tail pass failed", ("group", group), ("error", error))
            } else {
                Log.debug("tail pass failed again", ("group", group), ("error", error))
            }
        }
    }

    private func add(_ report: GroupReport) {
        var total = totals[report.group] ?? GroupReport(group: report.group, index: report.index)
        total.eventsRead += report.eventsRead
        total.outcome = total.outcome + report.outcome
        total.rangesCopied += report.rangesCopied
        totals[report.group] = total
    }

    private func discover() async {
        do {
            let found = try await GroupResolver(source: parts.source).resolve(engine.settings.logGroups)
            for group in found where !groups.contains(group) {
                try await parts.bootstrap.ensureGroup(group)
                groups.append(group)
                Log.info("new log group discovered", ("group", group))
            }
            await coordinator?.setGroups(groups)
        } catch {
            Log.warn("log group discovery failed; keeping the known groups", ("error", error))
        }
    }

    // MARK: - Background work

    /// The most urgent piece of background work, if any.
    private func nextTask() async -> BackgroundTask? {
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
    private func oldestKept(_ group: String, now: EpochMillis) async -> EpochMillis {
        let history = now - EpochMillis(engine.settings.backfillDays) * WallClock.millisPerDay
        let clock = WallClock.monotonicSeconds()
        if clock - (clusterRetention[group]?.readAt ?? -.infinity) >= 3600 {
            let found = await retentionReader.of(stable: engine.layout.stableName(for: group))
            if found != clusterRetention[group]?.found, let found, now - found.millis > history {
                Log.info("Elasticsearch keeps this group's documents for less than BACKFILL_DAYS; older history is neither copied nor verified",
                         ("group", group), ("kept", found))
            }
            clusterRetention[group] = (found, clock)
        }
        guard let found = clusterRetention[group]?.found else { return history }
        // An hour inside the edge: never race the cluster's own deletion of that stretch.
        return max(history, now - found.millis + WallClock.millisPerHour)
    }

    /// Between pages: stop for shutdown, or for work more urgent than `priority`.
    private func shouldStop(_ priority: Priority) async -> Bool {
        if shutdown.isRequested { return true }
        // Its lease went to another instance: that one carries on from the checkpoint.
        if let running, running.group != "*", !(await mine(running.group)) { return true }
        guard let next = await nextTask() else { return false }
        return next.priority > priority
    }

    private func backgroundLoop() async {
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
                    Log.info(finished ? "backfill window done" : "backfill window paused for more urgent work", ("group", task.group),
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
                Log.error("background work failed; it will be retried", ("group", task.group), ("priority", task.priority), ("error", error))
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
    private func verify(_ group: String, _ windows: [TimeRange], stage: String?, control: CopyControl) async throws {
        if retention[group] == nil { retention[group] = .some(try await parts.source.retentionDays(group: group)) }
        let started = WallClock.nowMillis()
        var consistent = true
        for window in windows {
            let report = await reconciler.reconcile(group: group, range: window, retentionDays: retention[group] ?? nil, control: control)
            if let error = report.error { throw ReconcileFailure(message: error) }
            if report.stoppedEarly {
                // Cut short (more urgent work, a heal of this group): not compared, so not
                // marked; it comes up again once the urgent work is done.
                Log.debug("verification paused", ("group", group), ("window", window), ("reason", report.skipped ?? "more urgent work"))
                return
            }
            consistent = consistent && report.consistent
            for passed in VerificationSchedule.stagesPassed(by: window, now: started) {
                try await parts.checkpoints.markVerified(group, stage: passed.name, window)
            }
            if !report.discrepancies.isEmpty || report.reshipped > 0 {
                Log.info("reconcile repaired", ("group", group), ("window", window), ("stage", stage ?? "recent"), ("bad_windows", report.discrepancies.count),
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
        Log.debug("verification done", ("group", group), ("stage", stage ?? "recent"), ("windows", windows.count), ("consistent", consistent))
    }

    /// An hour CloudWatch itself has no events for, where the group is usually busy, is worth
    /// a word: nothing is missing from the copy, but whatever writes these logs may be down.
    private func noteSilentHours(_ group: String, _ hourly: [EpochMillis: Int]) async {
        let model = await seasonal.model(group)
        for (hour, count) in hourly.sorted(by: { $0.key < $1.key }) where count == 0 && !model.emptyIsPlausible(at: hour) {
            Log.warn("CloudWatch has no events for an hour in which this group usually has many; is its source running?", ("group", group),
                     ("hour", Timestamp.format(hour)), ("usual", Int(model.expectation(at: hour)?.mean ?? 0)))
            await metrics.add("logstream_silent_hours_total", labels: [("group", group)], help: "Hours without CloudWatch events where the seasonal model expected many")
        }
    }

    /// A day within the history that the seasonal model finds most short of its usual
    /// volume in Elasticsearch, if any (one Elasticsearch query; CloudWatch is read only when
    /// a day is chosen): a hole someone made in the copy is found in one round, whatever
    /// its age. Each day is chosen at most once a week.
    private func suspiciousDay(_ group: String) async throws -> TimeRange? {
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
        Log.info("reconcile: a day looks short of its usual volume; checking it next", ("group", group),
                 ("day", Timestamp.format(day.day)), ("score", Int(day.score)))
        return TimeRange(start: day.day, end: day.day + WallClock.millisPerDay)
    }

    // MARK: - Maintenance and reporting

    private func refreshLoop() async {
        let tuner = engine.refreshTuner(cluster: parts.cluster)
        while !shutdown.isRequested {
            do {
                if await leads { try await tuner.apply(try await tuner.plan()) }
            } catch {
                await countError(stage: "refresh-tune")
                Log.warn("refresh tuning failed; trying again next interval", ("error", error))
            }
            await shutdown.wait(seconds: Double(engine.settings.esRefreshTuneIntervalSecs))
        }
    }

    private func reportLoop() async {
        var lastSummary = WallClock.monotonicSeconds()
        var createdAtLastSummary = 0
        var stalled: Set<String> = []
        while !shutdown.isRequested {
            await shutdown.wait(seconds: 10)
            stalled = await watchdog(stalled)
            await writeMetrics()
            let now = WallClock.monotonicSeconds()
            if now - lastSummary >= 60 {
                let created = totals.values.reduce(0) { $0 + $1.outcome.created }
                await summary(eventsPerSecond: Double(created - createdAtLastSummary) / (now - lastSummary))
                createdAtLastSummary = created
                lastSummary = now
            }
        }
    }

    /// Requests waiting on a side where none has ended for several poll intervals (and
    /// longer than one request may take), without the breaker holding them back on purpose:
    /// shipping has stopped, and that is said once per episode, with a metric, not left silent.
    private func watchdog(_ stalledBefore: Set<String>) async -> Set<String> {
        let settings = engine.settings
        let limit = max(3 * Double(settings.pollIntervalSecs), Double(settings.httpTimeoutSecs) + Double(settings.pollIntervalSecs))
        var stalled: Set<String> = []
        for tracker in [parts.sink.stress, parts.source.stress] {
            let idle = await tracker.stalled(longerThan: limit)
            await metrics.set("logstream_requests_stalled", idle == nil ? 0 : 1, labels: [("side", tracker.side)],
                              help: "1 while requests to this side wait and none has ended for several poll intervals")
            guard let idle else { continue }
            stalled.insert(tracker.side)
            if !stalledBefore.contains(tracker.side) {
                await countError(stage: "stalled")
                Log.error("requests are waiting but none has ended; shipping has stopped on this side", ("side", tracker.side),
                          ("waiting", await tracker.waiting), ("idle_s", Int(idle)), ("breaker", await tracker.breaker))
            }
        }
        for side in stalledBefore.subtracting(stalled) {
            Log.info("requests are moving again", ("side", side))
        }
        return stalled
    }

    private func summary(eventsPerSecond: Double) async {
        let limits = await parts.sink.controller.limits
        let stats = await parts.sink.controller.lastStats
        let lag = groups.map { lagSeconds($0) }.max() ?? 0
        Log.info("daemon", ("groups", groups.count), ("events_per_s", Int(eventsPerSecond.rounded())), ("max_lag_s", lag),
                 ("background", running.map { "\($0.priority)" } ?? "idle"), ("bulk_waiting", await parts.sink.permits.waiting),
                 ("cw_waiting", await parts.source.budget.waiting), ("batch", limits.batchSize), ("in_flight", limits.inFlight),
                 ("p50_ms", Int(stats.p50Millis)), ("es_stress", await parts.sink.stress.level), ("cw_stress", await parts.source.stress.level),
                 ("failing_groups", health.failing))
    }

    /// Seconds since the start of the group's last successful pass: everything CloudWatch
    /// had before then is in Elasticsearch.
    private func lagSeconds(_ group: String) -> Int {
        guard let last = lastGoodPass[group] else { return -1 }
        return Int((WallClock.nowMillis() - last) / 1000)
    }

    private func updateMetrics() async {
        for group in groups {
            let total = totals[group] ?? GroupReport(group: group, index: "")
            let labels = [("group", group)]
            await metrics.set("logstream_events_read", Double(total.eventsRead), labels: labels, help: "Events read from CloudWatch since start")
            await metrics.set("logstream_documents_created", Double(total.outcome.created), labels: labels, help: "Documents created in Elasticsearch since start")
            await metrics.set("logstream_documents_already_present", Double(total.outcome.duplicates), labels: labels, help: "Events found already stored since start")
            await metrics.set("logstream_documents_dead_lettered", Double(total.outcome.deadLettered), labels: labels, help: "Documents written to the dead-letter file since start")
            await metrics.set("logstream_tail_lag_seconds", Double(lagSeconds(group)), labels: labels, help: "Seconds since the start of the group's last successful tail pass (-1: none yet)")
        }
        for purpose in ReadPurpose.allCases {
            await metrics.set("logstream_cloudwatch_events_read", Double(parts.source.eventsRead(for: purpose)), labels: [("purpose", purpose.rawValue)],
                              help: "CloudWatch events read since start, by purpose; divided by documents created, how often each event is read")
        }
        let lags = groups.map { lagSeconds($0) }
        await metrics.set("logstream_tail_lag_seconds_max", Double(lags.max() ?? -1), help: "The largest tail lag over all groups")
        let limits = await parts.sink.controller.limits
        let stats = await parts.sink.controller.lastStats
        await metrics.set("logstream_bulk_batch_size", Double(limits.batchSize), help: "Documents per bulk request, as the adaptive controller set it")
        await metrics.set("logstream_bulk_in_flight_limit", Double(limits.inFlight), help: "Concurrent bulk requests allowed")
        await metrics.set("logstream_bulk_latency_p50_ms", stats.p50Millis, help: "Median bulk latency over the controller's last window")
        await metrics.set("logstream_bulk_latency_p95_ms", stats.p95Millis, help: "95th percentile bulk latency over the controller's last window")
        await metrics.set("logstream_bulk_waiting", Double(await parts.sink.permits.waiting), help: "Bulk requests waiting for a permit")
        await metrics.set("logstream_cloudwatch_waiting", Double(await parts.source.budget.waiting), help: "CloudWatch requests waiting for the request budget")
        for tracker in [parts.sink.stress, parts.source.stress] {
            await metrics.set("logstream_stress_level", Double(await tracker.level.rawValue), labels: [("side", tracker.side)], help: "0 calm, 1 strained, 2 elevated, 3 critical")
            let open: Bool
            if case .open = await tracker.breaker { open = true } else { open = false }
            await metrics.set("logstream_circuit_open", open ? 1 : 0, labels: [("side", tracker.side)], help: "1 while the circuit breaker holds requests back")
        }
        for priority in Priority.allCases {
            await metrics.set("logstream_background_pauses", Double(await gate.pauses[priority] ?? 0), labels: [("priority", "\(priority)")],
                              help: "Times background work of this priority waited for stress to ease")
        }
        await metrics.set("logstream_background_running", running.map { Double($0.priority.rawValue) } ?? -1, help: "Priority of the background task running (-1: none; 0 idle … 3 high)")
        if let coordinator {
            await metrics.set("logstream_leases_held", Double(await coordinator.owned.count), help: "Groups this instance holds leases on (COORDINATION=elasticsearch)")
        }
        await metrics.set("logstream_failing_groups", Double(health.failing), help: "Groups whose tail fails for a reason retrying will not fix")
        if let resident = ResourcePressure.residentBytes() {
            await metrics.set("logstream_resident_memory_bytes", Double(resident), help: "Resident set size of the process")
        }
    }

    private func countError(stage: String) async {
        await metrics.add("logstream_errors_total", labels: [("stage", stage)], help: "Failed tail passes, background tasks and maintenance steps")
    }

    /// The metrics are only ever read from the file: without one, nothing is gathered.
    private func writeMetrics() async {
        guard let metricsFile else { return }
        await updateMetrics()
        do {
            try FileIO.replaceAtomically(path: metricsFile, with: Array(await metrics.render().utf8), mode: 0o644)
        } catch {
            Log.warn("could not write the metrics file", ("file", metricsFile), ("error", error))
        }
    }
}

struct ReconcileFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
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
