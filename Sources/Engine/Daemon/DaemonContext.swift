/// What the daemon's parts share, and nothing more: the settings, the connected pipeline,
/// the groups and what is known of each (`GroupRoster`), the metrics, the stop signal and,
/// with COORDINATION=elasticsearch, the leases. Each part (`TailScheduler`,
/// `BackgroundScheduler`, `Maintenance`, `DaemonReporter`) is built from it and from the
/// few tools of its own job.
struct DaemonContext: Sendable {
    let settings: Settings
    let layout: IndexLayout
    let pipeline: Engine.Pipeline
    let roster: GroupRoster
    let metrics: Metrics
    /// What /healthz and /readyz are judged on, as the parts report it.
    let vitals: DaemonVitals
    let shutdown: ShutdownSignal
    /// With COORDINATION=elasticsearch: which groups (and shards) this instance holds leases on.
    let coordinator: Coordinator?

    /// Whether this instance works on `group` now.
    func mine(_ group: GroupKey) async -> Bool {
        await holds(group.rawValue)
    }

    /// Whether this instance holds the lease on `name` (a group's or a shard's key) now.
    func holds(_ name: String) async -> Bool {
        guard let coordinator else { return true }
        return await coordinator.owns(name)
    }

    /// Whether `group` is read through its source's subscription stream (not polled).
    func subscribed(_ group: GroupKey) -> Bool {
        pipeline.sources.contains { $0.subscription != nil && $0.reads(group) }
    }

    /// Whether this instance does the cluster-wide chores.
    var leads: Bool {
        get async { await coordinator?.isLeader ?? true }
    }

    func countError(stage: String) async {
        await metrics.add("logstream_errors_total", labels: [("stage", stage)], help: "Failed tail passes, background tasks and maintenance steps")
    }
}
