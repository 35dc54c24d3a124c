/// What the daemon can deliver within each account and region's request budget
/// (CLOUDWATCH_MAX_RPS, or the region's quota: `Settings.cloudWatchRate(region:)`), said at
/// start and in the metrics instead of left for the user to find out.
///
/// - Polling every group each POLL_INTERVAL_SECS takes groups / interval FilterLogEvents
///   calls a second. When that is more than the tail's part of the budget — all of it, less
///   the quarter that history and verification are guaranteed while they have work
///   (`RequestBudget`) — every group is polled less often: groups ÷ (¾ × budget) seconds.
/// - Verification compares each group's recent stretch every RECONCILE_INTERVAL_SECS, at
///   least one request a group, out of what the tail leaves (never less than a quarter of
///   the budget): when the groups need more than that, each is compared every
///   groups ÷ (what is left) seconds instead. An event up to an hour late arrives within
///   that plus TAIL_MAX_OVERLAP_SECS of reaching CloudWatch (the recent stretch ends where
///   the tail's window begins).
///
/// A bound for busy groups: quiet ones are polled less often (`ActivityPolling`), which
/// leaves more for the rest.
struct DeliveryEstimate: Equatable {
    /// `account:region` of a configured source, or "" for the default one.
    var source: String
    /// The source as the log and the metrics name it.
    var sourceLabel: String { source.isEmpty ? "default" : source }
    var groups: Int
    /// The budget of that account and region.
    var budgetPerSecond: Int
    /// Requests a second polling every group as configured needs.
    var neededPerSecond: Double
    /// How often each group is polled, in seconds.
    var pollSeconds: Double
    /// How often each group's recent stretch is compared, in seconds.
    var verifySeconds: Double
    /// Within how long of reaching CloudWatch an event up to an hour late is shipped.
    var lateSeconds: Double
    /// Polled less often than POLL_INTERVAL_SECS.
    var pollShort: Bool
    /// Compared less often than RECONCILE_INTERVAL_SECS.
    var verifyShort: Bool

    struct Settings {
        var pollSeconds: Int
        var reconcileSeconds: Int
        var tailMaxOverlapSeconds: Int
        /// The default source's region.
        var defaultRegion: String
        /// The budget of a region.
        var perSecond: (String) -> Int
    }

    /// One estimate per account and region, in the order of their names. Groups read
    /// through their subscription (`subscribed`) are verified but not polled.
    static func of(groups: [GroupKey], subscribed: (GroupKey) -> Bool = { _ in false }, _ settings: Settings) -> [DeliveryEstimate] {
        var bySource: [String: (region: String, count: Int, polled: Int)] = [:]
        for group in groups {
            bySource[group.source ?? "", default: (group.region ?? settings.defaultRegion, 0, 0)].count += 1
            if !subscribed(group) { bySource[group.source ?? ""]?.polled += 1 }
        }
        return bySource.sorted { $0.key < $1.key }.map { source, found in
            let groups = Double(found.count)
            let polled = Double(found.polled)
            let budget = max(1, settings.perSecond(found.region))
            let needed = polled / Double(max(1, settings.pollSeconds))
            let background = Double(budget) / Double(RequestBudget.backgroundEvery)
            let tailShare = Double(budget) - background
            let pollSeconds = max(Double(settings.pollSeconds), polled / tailShare)
            let left = max(background, Double(budget) - polled / pollSeconds)
            let verifySeconds = max(Double(settings.reconcileSeconds), groups / left)
            return DeliveryEstimate(source: source, groups: found.count, budgetPerSecond: budget, neededPerSecond: needed,
                                    pollSeconds: pollSeconds, verifySeconds: verifySeconds,
                                    lateSeconds: verifySeconds + Double(settings.tailMaxOverlapSeconds),
                                    pollShort: needed > tailShare, verifyShort: groups / left > Double(settings.reconcileSeconds))
        }
    }
}
