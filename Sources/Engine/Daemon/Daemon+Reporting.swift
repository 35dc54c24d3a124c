/// The daemon's maintenance and reporting: refresh tuning, the stall watchdog, the summary
/// line and the metrics file.
extension Daemon {
    func refreshLoop() async {
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

    func reportLoop() async {
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
    /// Each `[[source]]`'s account and region is a side of its own (`cloudwatch ACCOUNT:REGION`).
    func watchdog(_ stalledBefore: Set<String>) async -> Set<String> {
        let settings = engine.settings
        let limit = max(3 * Double(settings.pollIntervalSecs), Double(settings.httpTimeoutSecs) + Double(settings.pollIntervalSecs))
        var stalled: Set<String> = []
        for tracker in [parts.sink.stress] + parts.source.trackers {
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

    func summary(eventsPerSecond: Double) async {
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
    func lagSeconds(_ group: String) -> Int {
        guard let last = lastGoodPass[group] else { return -1 }
        return Int((WallClock.nowMillis() - last) / 1000)
    }

    func updateMetrics() async {
        for group in groups {
            let total = totals[group] ?? GroupReport(group: group, index: "")
            let labels = [("group", group)]
            await metrics.set("logstream_events_read", Double(total.eventsRead), labels: labels, help: "Events read from CloudWatch since start")
            await metrics.set("logstream_documents_created", Double(total.outcome.created), labels: labels, help: "Documents created in Elasticsearch since start")
            await metrics.set("logstream_documents_already_present", Double(total.outcome.alreadyPresent), labels: labels, help: "Events found already stored since start")
            await metrics.set("logstream_documents_dead_lettered", Double(total.outcome.deadLettered), labels: labels, help: "Documents written to the dead-letter file since start")
            await metrics.set("logstream_tail_lag_seconds", Double(lagSeconds(group)), labels: labels, help: "Seconds since the start of the group's last successful tail pass (-1: none yet)")
        }
        for purpose in ReadPurpose.allCases {
            await metrics.set("logstream_cloudwatch_events_read", Double(parts.source.eventsRead(for: purpose)), labels: [("purpose", purpose.rawValue)],
                              help: "CloudWatch events read since start, by purpose; divided by documents created, how often each event is read")
        }
        for estimate in delivery {
            let labels = [("source", estimate.sourceLabel)]
            await metrics.set("logstream_poll_interval_seconds", estimate.pollSeconds, labels: labels,
                              help: "How often each group is polled at most, within the account and region's request budget")
            await metrics.set("logstream_late_event_delay_seconds", estimate.lateSeconds, labels: labels,
                              help: "Within how long of reaching CloudWatch an event up to an hour late is shipped, within the request budget")
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
        for tracker in [parts.sink.stress] + parts.source.trackers {
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

    func countError(stage: String) async {
        await metrics.add("logstream_errors_total", labels: [("stage", stage)], help: "Failed tail passes, background tasks and maintenance steps")
    }

    /// The metrics are only ever read from the file: without one, nothing is gathered.
    func writeMetrics() async {
        guard let metricsFile else { return }
        await updateMetrics()
        do {
            try FileIO.replaceAtomically(path: metricsFile, with: Array(await metrics.render().utf8), mode: 0o644)
        } catch {
            Log.warn("could not write the metrics file", ("file", metricsFile), ("error", error))
        }
    }
}
