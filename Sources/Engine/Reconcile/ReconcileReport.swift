/// One minimum window where the two sides differed, and what was done about it.
public struct WindowDiscrepancy: Sendable {
    public var range: TimeRange
    public var cloudWatch: WindowSummary
    public var elasticsearch: WindowSummary
    public var missing = 0
    public var duplicates = 0
    public var extras = 0
    public var resolved = false
}

/// What `reconcile` found and did for one group.
public struct ReconcileReport: Sendable {
    public var group: String
    public var range: TimeRange
    public var windowsChecked = 0
    public var discrepancies: [WindowDiscrepancy] = []
    public var reshipped = 0
    public var duplicatesRemoved = 0
    public var extrasFound = 0
    public var extrasDeleted = 0
    /// CloudWatch's events per whole hour of the range, for the seasonal model.
    var cloudWatchHourly: [EpochMillis: Int] = [:]
    /// With `hourlyCoverage`: each side's events per hour of the compared windows, partial
    /// hours at their edges included, Elasticsearch's counted before any repair.
    var cloudWatchPerHour: [EpochMillis: Int] = [:]
    var elasticsearchPerHour: [EpochMillis: Int] = [:]
    /// Hours CloudWatch has no events for although the group's seasonal model expected many.
    var silentHours: Set<EpochMillis> = []
    public var cloudWatchQueries = 0
    public var elasticsearchQueries = 0
    public var error: ReportedError?
    /// Stopped for more urgent work or shutdown before every window was compared: what
    /// was not compared is not verified.
    var stoppedEarly = false
    /// Why the group was not compared at all (its heal is moving its documents: each is in
    /// two targets until the heal ends, so the comparison would be wrong both ways).
    public var skipped: String?

    var dryRun = false

    init(group: String, range: TimeRange) {
        self.group = group
        self.range = range
    }

    /// True when every window matches now (after repairs, if any were made).
    public var consistent: Bool { error == nil && skipped == nil && discrepancies.allSatisfy(\.resolved) }
}

/// Where reconcile gets CloudWatch's per-minute picture from.
public enum CountSource: String, Sendable {
    /// Every event is read: exact counts and id checksums.
    case events
    /// Logs Insights counts per minute: one query per day, counts only.
    case insights
}

public struct ReconcileOptions: Sendable {
    public var dryRun: Bool
    var counts: CountSource
    var deleteExtras: Bool
    /// Windows are bisected down to this length before they are repaired.
    var minWindow: EpochMillis
    /// The length of the windows read from CloudWatch in one go.
    var topWindow: EpochMillis
    /// Also count Elasticsearch's documents per hour before repairing (one more query per
    /// window), for the coverage map the command draws.
    var hourlyCoverage: Bool

    public init(dryRun: Bool = false, deleteExtras: Bool = false, counts: CountSource = .events,
                minWindow: EpochMillis = 60_000, topWindow: EpochMillis = 86_400_000, hourlyCoverage: Bool = false) {
        self.hourlyCoverage = hourlyCoverage
        self.dryRun = dryRun
        self.counts = counts
        self.deleteExtras = deleteExtras
        self.minWindow = max(60_000, minWindow / 60_000 * 60_000)
        self.topWindow = max(self.minWindow, topWindow)
    }
}
