/// The daemon's live tail: one worker per group, each on its own timer (every
/// POLL_INTERVAL_SECS, less often while the group is quiet: `ActivityPolling`), while this
/// instance works on the group and its health lets it; discovery of new groups that match
/// LOG_GROUPS patterns (and of sources that failed before); and what the request budget
/// lets it deliver (`DeliveryEstimate`), said whenever the group count changes.
actor TailScheduler {
    /// What discovery asks of the engine: the groups of the sources given, the sources as
    /// connected, and the ones that failed.
    typealias Resolve = @Sendable ([ReadSource]) async -> (keys: [GroupKey], sources: [ReadSource], failures: [SourceFailure])

    let context: DaemonContext
    let tail: Tail
    let resolve: Resolve
    /// The sources as discovery last connected them (a source left out at start joins once
    /// its credentials work), and when each source that failed is tried again.
    private var sources: [ReadSource]
    private var sourceRetry: [String: (failures: Int, next: Double)] = [:]
    /// How often each group is polled, by how long ago it had new events.
    private var activity = ActivityPolling()
    /// The group count the delivery was last estimated for, and the estimate.
    private var estimatedFor = -1
    private(set) var delivery: [DeliveryEstimate] = []

    init(context: DaemonContext, tail: Tail, resolve: @escaping Resolve) {
        self.context = context
        self.tail = tail
        self.resolve = resolve
        sources = context.pipeline.sources
    }

    /// Until shutdown: a worker per group, new groups as discovery finds them.
    func run() async {
        let settings = context.settings
        let shutdown = context.shutdown
        let patterns = context.pipeline.sources.contains { $0.entries.contains { $0.hasSuffix("*") } }
        for failure in context.pipeline.sourceFailures { sourceFailed(failure) }
        var nextDiscovery = WallClock.monotonicSeconds() + Double(settings.groupDiscoveryIntervalSecs)
        await withTaskGroup(of: Void.self) { workers in
            var working: Set<GroupKey> = []
            while !shutdown.isRequested {
                // A group read through its subscription is not polled (`KinesisConsumer`).
                for group in await context.roster.groups where !working.contains(group) && !context.subscribed(group) {
                    working.insert(group)
                    workers.addTask { await self.worker(group) }
                }
                await shutdown.wait(seconds: Double(settings.pollIntervalSecs))
                if (patterns || !sourceRetry.isEmpty) && WallClock.monotonicSeconds() >= nextDiscovery && !shutdown.isRequested {
                    nextDiscovery = WallClock.monotonicSeconds() + Double(settings.groupDiscoveryIntervalSecs)
                    await discover()
                }
            }
        }
    }

    /// The live tail of one group: a group waiting out a blocked index or throttling delays
    /// only itself.
    private func worker(_ group: GroupKey) async {
        let poll = Double(context.settings.pollIntervalSecs)
        let shutdown = context.shutdown
        var wasMine = false
        while !shutdown.isRequested {
            let isMine = await context.mine(group)
            // Taken over (again) from another instance: what this process remembers is stale.
            if isMine && !wasMine && context.coordinator != nil { await tail.forget(group) }
            wasMine = isMine
            if isMine, await context.roster.isDue(group) {
                await pass(group)
            }
            if shutdown.isRequested { break }
            await shutdown.wait(seconds: activity.interval(group, pollSeconds: poll, now: WallClock.monotonicSeconds()))
        }
    }

    private func pass(_ group: GroupKey) async {
        let started = WallClock.nowMillis()
        do {
            let report = try await tail.pass(group: group)
            await context.roster.add(report, of: group)
            activity.record(group, newEvents: report.outcome.created, now: WallClock.monotonicSeconds())
            if await context.roster.passSucceeded(group, started: started) { Log.group(group).info("log group readable again") }
            if report.eventsRead > 0 {
                Log.group(group).info("tail pass", ("read", report.eventsRead), ("created", report.outcome.created),
                                      ("already_present", report.outcome.alreadyPresent), ("ms", WallClock.nowMillis() - started))
            }
        } catch {
            await context.countError(stage: "tail")
            if await context.roster.failed(group, error: error) {
                Log.group(group).error("tail pass failed", ("error", error))
            } else {
                Log.group(group).debug("tail pass failed again", ("error", error))
            }
        }
        await context.vitals.tailProgressed()
    }

    private func discover() async {
        let now = WallClock.monotonicSeconds()
        // A source that failed is tried again once its backoff has passed; the others every round.
        let due = sources.filter { source in sourceRetry[source.name].map { $0.next <= now } ?? true }
        let (found, connected, failures) = await resolve(due)
        for source in connected {
            if let index = sources.firstIndex(where: { $0.name == source.name }) { sources[index] = source }
        }
        for source in due where !failures.contains(where: { $0.source == source.name }) {
            if sourceRetry.removeValue(forKey: source.name) != nil {
                Log.info("source readable again; its groups are tailed", ("source", source.name))
            }
        }
        for failure in failures { sourceFailed(failure) }
        do {
            let known = Set(await context.roster.groups)
            for group in found where !known.contains(group) {
                try await context.pipeline.bootstrap.ensureGroup(group)
                if await context.roster.add(group) { Log.group(group).info("new log group discovered") }
            }
            await context.coordinator?.setGroups(await context.roster.groups.map(\.rawValue))
            await announceDelivery()
        } catch {
            Log.warn("log group discovery failed; keeping the known groups", ("error", error))
        }
    }

    /// A source that failed (at start or in discovery): said with its fix, and tried again
    /// after a backoff that doubles from the discovery interval up to an hour. Its groups
    /// known so far keep their workers (whose own errors are reported per group).
    private func sourceFailed(_ failure: SourceFailure) {
        let interval = Double(max(30, context.settings.groupDiscoveryIntervalSecs))
        let failures = (sourceRetry[failure.source]?.failures ?? 0) + 1
        let wait = min(3600, interval * Double(1 << min(failures - 1, 7)))
        sourceRetry[failure.source] = (failures, WallClock.monotonicSeconds() + wait)
        Log.error("source left out for now; the other sources keep shipping", ("source", failure.source), ("error", failure.reason),
                  ("retry_in_s", Int(wait)), ("fix", "fix the source's credentials or log_groups"))
    }

    /// Says once per group count what the request budget allows (`DeliveryEstimate`): a
    /// warning where it cannot poll every group, or compare every group's recent stretch, as
    /// often as configured, with what it delivers instead; the same in the metrics.
    func announceDelivery() async {
        let groups = await context.roster.groups
        guard groups.count != estimatedFor else { return }
        estimatedFor = groups.count
        let settings = context.settings
        let given = DeliveryEstimate.Settings(
            pollSeconds: settings.pollIntervalSecs, reconcileSeconds: settings.reconcileIntervalSecs, tailMaxOverlapSeconds: settings.tailMaxOverlapSecs,
            defaultRegion: settings.region ?? "", perSecond: settings.cloudWatchRate(region:))
        delivery = DeliveryEstimate.of(groups: groups, subscribed: context.subscribed, given)
        for estimate in delivery { estimate.announce(given) }
    }
}
