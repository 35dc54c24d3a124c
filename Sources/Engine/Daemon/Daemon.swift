/// `tail --follow`: everything in one process until SIGINT/SIGTERM.
///
/// - The live tail of every group (critical), each on its own every POLL_INTERVAL_SECS; new groups that
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
/// Checkpoints move as Elasticsearch acknowledges (and reach the file within a second and
/// at exit), so stopping is only a matter of not starting the next page. The parts live in
/// `Daemon+TailWorkers`, `Daemon+Background` and `Daemon+Reporting`.
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
    var groups: [String]
    /// The sources as discovery last connected them (a source left out at start joins once
    /// its credentials work), and when each source that failed is tried again.
    var sources: [ReadSource]
    var sourceRetry: [String: (failures: Int, next: Double)] = [:]
    var health: GroupHealth
    /// How often each group is polled, by how long ago it had new events.
    var activity = ActivityPolling()
    var totals: [String: GroupReport] = [:]
    var lastGoodPass: [String: EpochMillis] = [:]
    var lastHealCheck = -Double.infinity
    /// The group count the delivery was last estimated for, and the estimate.
    var pollCheckedCount = -1
    var delivery: [DeliveryEstimate] = []
    /// A day the seasonal model finds short in Elasticsearch, to compare next, per group.
    var suspicious: [String: TimeRange] = [:]
    /// Days compared because they looked short, and when, per group: each at most once a week.
    var checkedSuspicious: [String: [EpochMillis: EpochMillis]] = [:]
    let seasonal: SeasonalModels
    let windows: ElasticsearchWindows
    var retention: [String: Int?] = [:]
    /// How long Elasticsearch keeps each group's documents (nil inside: as long as it likes),
    /// and when that was read.
    var clusterRetention: [String: (found: ClusterRetention.Found?, readAt: Double)] = [:]
    let retentionReader: ClusterRetention
    var running: BackgroundTask?
    var backgroundFailures = 0

    init(engine: Engine, parts: Engine.Pipeline, tail: Tail, shutdown: ShutdownSignal, metricsFile: String?, coordinator: Coordinator? = nil) {
        self.coordinator = coordinator
        self.engine = engine
        self.parts = parts
        self.tail = tail
        self.shutdown = shutdown
        self.metricsFile = metricsFile
        let settings = engine.settings
        groups = parts.groups
        sources = parts.sources
        health = GroupHealth(retryAfter: Double(max(60, settings.groupDiscoveryIntervalSecs)))
        copier = WindowCopier(pages: engine.pages(parts), checkpoints: parts.checkpoints, presence: parts.presence)
        seasonal = SeasonalModels(path: engine.seasonalPath)
        reconciler = engine.reconciler(parts)
        windows = reconciler.elasticsearch
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
        announceDelivery()
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

    func coordinationLoop(_ coordinator: Coordinator) async {
        let interval = await coordinator.roundSeconds
        while !shutdown.isRequested {
            await shutdown.wait(seconds: interval)
            if shutdown.isRequested { break }
            await coordinate(coordinator)
        }
    }

    func coordinate(_ coordinator: Coordinator) async {
        do {
            try await coordinator.round()
        } catch {
            Log.warn("lease round failed; leases not renewed in time expire and are taken over", ("error", error))
        }
    }

    /// Whether this instance works on `group` now.
    func mine(_ group: String) async -> Bool {
        guard let coordinator else { return true }
        return await coordinator.owns(group)
    }

    /// Whether this instance does the cluster-wide chores.
    var leads: Bool {
        get async { await coordinator?.isLeader ?? true }
    }
}
