/// The daemon's upkeep: hot/cold refresh tuning of the indices (by the leading instance,
/// every ES_REFRESH_TUNE_INTERVAL_SECS) and the stall watchdog over every side it sends
/// requests to (every 10 s).
struct Maintenance: Sendable {
    let context: DaemonContext
    let tuner: RefreshTuner

    /// Until shutdown: both chores, each on its own timer.
    func run() async {
        await withTaskGroup(of: Void.self) { chores in
            chores.addTask { await refreshLoop() }
            chores.addTask { await watchLoop() }
        }
    }

    private func refreshLoop() async {
        let shutdown = context.shutdown
        while !shutdown.isRequested {
            do {
                if await context.leads { try await tuner.apply(try await tuner.plan()) }
            } catch {
                await context.countError(stage: "refresh-tune")
                Log.warn("refresh tuning failed; trying again next interval", ("error", error))
            }
            await shutdown.wait(seconds: Double(context.settings.esRefreshTuneIntervalSecs))
        }
    }

    private func watchLoop() async {
        var stalled: Set<String> = []
        while !context.shutdown.isRequested {
            await context.shutdown.wait(seconds: 10)
            stalled = await watchdog(stalled)
        }
    }

    /// Requests waiting on a side where none has ended for several poll intervals (and
    /// longer than one request may take), without the breaker holding them back on purpose:
    /// shipping has stopped, and that is said once per episode, with a metric, not left silent.
    /// Each `[[source]]`'s account and region is a side of its own (`cloudwatch ACCOUNT:REGION`).
    func watchdog(_ stalledBefore: Set<String>) async -> Set<String> {
        let settings = context.settings
        let limit = max(3 * Double(settings.pollIntervalSecs), Double(settings.httpTimeoutSecs) + Double(settings.pollIntervalSecs))
        var stalled: Set<String> = []
        for tracker in [context.pipeline.sink.stress] + context.pipeline.source.trackers {
            let idle = await tracker.stalled(longerThan: limit)
            await context.metrics.set("logstream_requests_stalled", idle == nil ? 0 : 1, labels: [("side", tracker.side)],
                                      help: "1 while requests to this side wait and none has ended for several poll intervals")
            guard let idle else { continue }
            stalled.insert(tracker.side)
            if !stalledBefore.contains(tracker.side) {
                await context.countError(stage: "stalled")
                Log.error("requests are waiting but none has ended; shipping has stopped on this side", ("side", tracker.side),
                          ("waiting", await tracker.waiting), ("idle_s", Int(idle)), ("breaker", await tracker.breaker))
            }
        }
        await context.vitals.watchdogFound(stalled: stalled)
        for side in stalledBefore.subtracting(stalled) {
            Log.info("requests are moving again", ("side", side))
        }
        return stalled
    }
}
