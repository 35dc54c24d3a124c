/// What the daemon says about itself: a summary line a minute; with METRICS_FILE,
/// Prometheus metrics every 10 s (and once more at exit); with METRICS_ADDR, the metrics and
/// the verdicts on health and readiness (`DaemonHealth`) for the HTTP endpoint every 5 s.
/// It reads the other parts and changes none of them.
struct DaemonReporter: Sendable {
    let context: DaemonContext
    let tail: TailScheduler
    let background: BackgroundScheduler
    let gate: PriorityGate
    let metricsFile: String?
    let status: ServedStatus?

    /// Until shutdown.
    func run() async {
        let shutdown = context.shutdown
        var lastSummary = WallClock.monotonicSeconds()
        var createdAtLastSummary = 0
        var tick = 0
        await publishStatus()
        while !shutdown.isRequested {
            await shutdown.wait(seconds: 5)
            tick += 1
            await publishStatus()
            if tick % 2 == 0 { await writeMetrics() }
            let now = WallClock.monotonicSeconds()
            if now - lastSummary >= 60 {
                let created = await context.roster.totals.values.reduce(0) { $0 + $1.outcome.created }
                await summary(eventsPerSecond: Double(created - createdAtLastSummary) / (now - lastSummary))
                createdAtLastSummary = created
                lastSummary = now
            }
        }
    }

    private func summary(eventsPerSecond: Double) async {
        let pipeline = context.pipeline
        let roster = context.roster
        let limits = await pipeline.sink.controller.limits
        let stats = await pipeline.sink.controller.lastStats
        var lag = 0
        for group in await roster.groups { lag = max(lag, await roster.lagSeconds(group)) }
        // The most strained account and region (each `[[source]]`'s is its own).
        var cloudWatch = StressTracker.Level.calm
        for tracker in pipeline.source.trackers { cloudWatch = max(cloudWatch, await tracker.level) }
        Log.info("daemon", ("groups", await roster.groups.count), ("events_per_s", Int(eventsPerSecond.rounded())), ("max_lag_s", lag),
                 ("background", await background.running.map { "\($0.priority)" } ?? "idle"), ("bulk_waiting", await pipeline.sink.permits.waiting),
                 ("cw_waiting", await pipeline.source.budget.waiting), ("batch", limits.batchSize), ("in_flight", limits.inFlight),
                 ("p50_ms", Int(stats.p50Millis)), ("es_stress", await pipeline.sink.stress.level), ("cw_stress", cloudWatch),
                 ("failing_groups", await roster.failing))
    }

    /// Without a file, nothing is written (the endpoint's metrics are gathered on their own).
    func writeMetrics() async {
        guard let metricsFile else { return }
        await updateMetrics()
        do {
            try FileIO.replaceAtomically(path: metricsFile, with: Array(await context.metrics.render().utf8), mode: 0o644)
        } catch {
            Log.warn("could not write the metrics file", ("file", metricsFile), ("error", error))
        }
    }

    /// What the HTTP endpoint serves: the metrics and the verdicts, current.
    private func publishStatus() async {
        guard let status else { return }
        await updateMetrics()
        let verdict = DaemonHealth(pollSeconds: context.settings.pollIntervalSecs, httpTimeoutSeconds: context.settings.httpTimeoutSecs)
            .verdict(await healthFacts())
        await context.metrics.set("logstream_healthy", verdict.problems.isEmpty ? 1 : 0, help: "1 while /healthz answers 200")
        await context.metrics.set("logstream_ready", verdict.notReady.isEmpty ? 1 : 0, help: "1 while /readyz answers 200")
        status.publish(metrics: await context.metrics.render(), verdict: verdict)
    }

    private func healthFacts() async -> DaemonHealth.Facts {
        let vitals = context.vitals
        var tailExpected = false
        for group in await context.roster.due() where !context.subscribed(group) {
            if await context.mine(group) { tailExpected = true; break }
        }
        var stress: [String: StressTracker.Level] = [:]
        for tracker in [context.pipeline.sink.stress] + context.pipeline.source.trackers {
            stress[tracker.side] = await tracker.level
        }
        return DaemonHealth.Facts(now: await vitals.now, tailMoved: await vitals.tailMoved, tailExpected: tailExpected,
                                  stalledSides: await vitals.stalledSides, stress: stress,
                                  leaseRoundSeconds: await context.coordinator?.roundSeconds, leaseRoundSucceeded: await vitals.lastLeaseRound)
    }

    private func updateMetrics() async {
        let metrics = context.metrics
        let pipeline = context.pipeline
        let roster = context.roster
        let totals = await roster.totals
        var lags: [Int] = []
        for group in await roster.groups {
            let total = totals[group] ?? GroupReport(group: group.rawValue, index: "")
            let labels = [("group", group.rawValue)]
            let lag = await roster.lagSeconds(group)
            lags.append(lag)
            await metrics.set("logstream_events_read", Double(total.eventsRead), labels: labels, help: "Events read from CloudWatch since start")
            await metrics.set("logstream_documents_created", Double(total.outcome.created), labels: labels, help: "Documents created in Elasticsearch since start")
            await metrics.set("logstream_documents_already_present", Double(total.outcome.alreadyPresent), labels: labels, help: "Events found already stored since start")
            await metrics.set("logstream_documents_dead_lettered", Double(total.outcome.deadLettered), labels: labels, help: "Documents written to the dead-letter file since start")
            await metrics.set("logstream_tail_lag_seconds", Double(lag), labels: labels, help: "Seconds since the start of the group's last successful tail pass (-1: none yet)")
        }
        for purpose in ReadPurpose.allCases {
            await metrics.set("logstream_cloudwatch_events_read", Double(pipeline.source.eventsRead(for: purpose)), labels: [("purpose", purpose.rawValue)],
                              help: "CloudWatch events read since start, by purpose; divided by documents created, how often each event is read")
        }
        for estimate in await tail.delivery {
            let labels = [("source", estimate.sourceLabel)]
            await metrics.set("logstream_poll_interval_seconds", estimate.pollSeconds, labels: labels,
                              help: "How often each group is polled at most, within the account and region's request budget")
            await metrics.set("logstream_late_event_delay_seconds", estimate.lateSeconds, labels: labels,
                              help: "Within how long of reaching CloudWatch an event up to an hour late is shipped, within the request budget")
        }
        await metrics.set("logstream_tail_lag_seconds_max", Double(lags.max() ?? -1), help: "The largest tail lag over all groups")
        let limits = await pipeline.sink.controller.limits
        let stats = await pipeline.sink.controller.lastStats
        await metrics.set("logstream_bulk_batch_size", Double(limits.batchSize), help: "Documents per bulk request, as the adaptive controller set it")
        await metrics.set("logstream_bulk_in_flight_limit", Double(limits.inFlight), help: "Concurrent bulk requests allowed")
        await metrics.set("logstream_bulk_latency_p50_ms", stats.p50Millis, help: "Median bulk latency over the controller's last window")
        await metrics.set("logstream_bulk_latency_p95_ms", stats.p95Millis, help: "95th percentile bulk latency over the controller's last window")
        await metrics.set("logstream_bulk_waiting", Double(await pipeline.sink.permits.waiting), help: "Bulk requests waiting for a permit")
        await metrics.set("logstream_cloudwatch_waiting", Double(await pipeline.source.budget.waiting), help: "CloudWatch requests waiting for the request budget")
        for tracker in [pipeline.sink.stress] + pipeline.source.trackers {
            await metrics.set("logstream_stress_level", Double(await tracker.level.rawValue), labels: [("side", tracker.side)], help: "0 calm, 1 strained, 2 elevated, 3 critical")
            let open: Bool
            if case .open = await tracker.breaker { open = true } else { open = false }
            await metrics.set("logstream_circuit_open", open ? 1 : 0, labels: [("side", tracker.side)], help: "1 while the circuit breaker holds requests back")
        }
        for priority in Priority.allCases {
            await metrics.set("logstream_background_pauses", Double(await gate.pauses[priority] ?? 0), labels: [("priority", "\(priority)")],
                              help: "Times background work of this priority waited for stress to ease")
        }
        await metrics.set("logstream_background_running", await background.running.map { Double($0.priority.rawValue) } ?? -1,
                          help: "Priority of the background task running (-1: none; 0 idle … 3 high)")
        if let coordinator = context.coordinator {
            await metrics.set("logstream_leases_held", Double(await coordinator.owned.count), help: "Groups this instance holds leases on (COORDINATION=elasticsearch)")
        }
        await metrics.set("logstream_failing_groups", Double(await roster.failing), help: "Groups whose tail fails for a reason retrying will not fix")
        if let resident = ResourcePressure.residentBytes() {
            await metrics.set("logstream_resident_memory_bytes", Double(resident), help: "Resident set size of the process")
        }
    }
}
