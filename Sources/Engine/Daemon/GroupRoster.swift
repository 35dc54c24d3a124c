/// The groups the daemon ships and what its parts learn about each: whether it is failing
/// (`GroupHealth`, which the tail and the background both feed and both obey), what was
/// shipped since start, and when its last tail pass succeeded.
actor GroupRoster {
    private(set) var groups: [GroupKey]
    private var health: GroupHealth
    private(set) var totals: [GroupKey: GroupReport] = [:]
    private var lastGoodPass: [GroupKey: EpochMillis] = [:]

    init(groups: [GroupKey], retryFailingAfter seconds: Double) {
        self.groups = groups
        health = GroupHealth(retryAfter: seconds)
    }

    /// Adds a group discovery found; false when it is known already.
    func add(_ group: GroupKey) -> Bool {
        guard !groups.contains(group) else { return false }
        groups.append(group)
        return true
    }

    /// Whether `group` should be worked on now (a group failing for a reason retrying will
    /// not fix rests until its retry time).
    func isDue(_ group: GroupKey, now: Double = WallClock.monotonicSeconds()) -> Bool {
        health.isDue(group, now: now)
    }

    /// The groups due now.
    func due(now: Double = WallClock.monotonicSeconds()) -> [GroupKey] {
        groups.filter { health.isDue($0, now: now) }
    }

    /// Records a failure; returns whether it is worth an error line (a new problem).
    func failed(_ group: GroupKey, error: any Error) -> Bool {
        health.failed(group, error: error, now: WallClock.monotonicSeconds())
    }

    /// Records a good tail pass that started at `started`; returns whether the group had been failing.
    func passSucceeded(_ group: GroupKey, started: EpochMillis) -> Bool {
        lastGoodPass[group] = started
        return health.succeeded(group)
    }

    var failing: Int { health.failing }

    /// Adds what a pass or a background task did for `group` to its totals.
    func add(_ report: GroupReport, of group: GroupKey) {
        var total = totals[group] ?? GroupReport(group: report.group, index: report.index)
        total.eventsRead += report.eventsRead
        total.outcome = total.outcome + report.outcome
        total.rangesCopied += report.rangesCopied
        totals[group] = total
    }

    /// What was shipped since start, one report per group that shipped, in the groups' order.
    var reports: [GroupReport] { groups.compactMap { totals[$0] } }

    /// Seconds since the start of the group's last successful pass (everything CloudWatch
    /// had before then is in Elasticsearch); -1 before the first.
    func lagSeconds(_ group: GroupKey, now: EpochMillis = WallClock.nowMillis()) -> Int {
        guard let last = lastGoodPass[group] else { return -1 }
        return Int((now - last) / 1000)
    }
}
