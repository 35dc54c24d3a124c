/// `tail --follow`: everything in one process until SIGINT/SIGTERM, in parts with one job
/// each, built from what they share (`DaemonContext`):
///
/// - `TailScheduler`: the live tail of every group (critical), each on its own timer, and
///   discovery of new groups and of sources that failed;
/// - `BackgroundScheduler`: one task at a time, always the most urgent — healing, history,
///   verification (`VerificationSchedule`) — stepping aside for more urgent work;
/// - `Maintenance`: refresh tuning and the stall watchdog;
/// - `DaemonReporter`: the summary line, the metrics file and what the HTTP endpoint
///   (METRICS_ADDR, `StatusServer`) serves: metrics, health and readiness (`DaemonHealth`);
/// - a `KinesisConsumer` per source read through its subscription (KINESIS_STREAM), whose
///   groups the tail then leaves alone;
/// - with COORDINATION=elasticsearch, the lease rounds here: each part works only on the
///   groups this instance holds.
///
/// Checkpoints move as Elasticsearch acknowledges (and reach the file within a second and
/// at exit), so stopping is only a matter of not starting the next page.
struct Daemon {
    let context: DaemonContext
    let tail: TailScheduler
    let background: BackgroundScheduler
    let maintenance: Maintenance
    let reporter: DaemonReporter
    let consumers: [KinesisConsumer]

    init(engine: Engine, parts: Engine.Pipeline, tail: Tail, shutdown: ShutdownSignal, coordinator: Coordinator? = nil,
         vitals: DaemonVitals = DaemonVitals(), status: ServedStatus? = nil) {
        let settings = engine.settings
        let context = DaemonContext(settings: settings, layout: engine.layout, pipeline: parts,
                                    roster: GroupRoster(groups: parts.groups, retryFailingAfter: Double(max(60, settings.groupDiscoveryIntervalSecs))),
                                    metrics: Metrics(), vitals: vitals, shutdown: shutdown, coordinator: coordinator)
        let gate = parts.gate ?? PriorityGate(elasticsearch: parts.sink.stress, shutdown: shutdown)
        self.context = context
        self.tail = TailScheduler(context: context, tail: tail, resolve: { [source = parts.source, account = parts.builder.account] due in
            await engine.resolveGroups(source, due, defaultAccount: account)
        })
        let healer = engine.healer(client: engine.elasticsearch(), bootstrap: parts.bootstrap, cluster: parts.cluster, sink: parts.sink)
        background = BackgroundScheduler(
            context: context, copier: WindowCopier(pages: engine.pages(parts), checkpoints: parts.checkpoints, presence: parts.presence),
            reconciler: engine.reconciler(parts), gate: gate, heal: { control in try await healer.heal(dryRun: false, control: control) },
            seasonal: SeasonalModels(path: engine.seasonalPath), retentionReader: ClusterRetention(client: engine.elasticsearch()))
        maintenance = Maintenance(context: context, tuner: engine.refreshTuner(cluster: parts.cluster))
        reporter = DaemonReporter(context: context, tail: self.tail, background: background, gate: gate, metricsFile: settings.metricsFile, status: status)
        consumers = parts.sources.compactMap { source in
            source.subscription.map { KinesisConsumer(context: context, source: source, kinesis: engine.kinesisClient($0, region: source.region),
                                                      fromLatest: settings.kinesisFromLatest) }
        }
    }

    /// Runs until shutdown; returns what was shipped per group.
    func run() async -> [GroupReport] {
        let settings = context.settings
        let groups = await context.roster.groups
        Log.info("daemon starting", ("groups", groups.count), ("poll_secs", settings.pollIntervalSecs), ("backfill_days", settings.backfillDays),
                 ("reconcile_secs", settings.reconcileIntervalSecs), ("refresh_tune_secs", settings.esRefreshTuneIntervalSecs))
        await tail.announceDelivery()
        if let coordinator = context.coordinator {
            await coordinator.setGroups(groups.map(\.rawValue))
            await coordinate(coordinator)
        }
        await withTaskGroup(of: Void.self) { parts in
            if let coordinator = context.coordinator {
                parts.addTask { await coordinationLoop(coordinator) }
            }
            parts.addTask { await tail.run() }
            parts.addTask { await background.run() }
            parts.addTask { await maintenance.run() }
            parts.addTask { await reporter.run() }
            for consumer in consumers {
                parts.addTask { await consumer.run() }
            }
        }
        await reporter.writeMetrics()
        await context.coordinator?.releaseAll()
        let reports = await context.roster.reports
        Log.info("daemon stopped; checkpoints are saved", ("groups", await context.roster.totals.count))
        return reports
    }

    // MARK: - Sharing the groups with other instances

    private func coordinationLoop(_ coordinator: Coordinator) async {
        let interval = await coordinator.roundSeconds
        while !context.shutdown.isRequested {
            await context.shutdown.wait(seconds: interval)
            if context.shutdown.isRequested { break }
            await coordinate(coordinator)
        }
    }

    private func coordinate(_ coordinator: Coordinator) async {
        do {
            try await coordinator.round()
            await context.vitals.leaseRoundSucceeded()
        } catch {
            Log.warn("lease round failed; leases not renewed in time expire and are taken over", ("error", error))
        }
    }
}
