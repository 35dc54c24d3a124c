/// Polling every group each POLL_INTERVAL_SECS takes groups / interval FilterLogEvents calls a
/// second from each account and region's request budget (CLOUDWATCH_MAX_RPS, or the region's
/// quota: `Settings.cloudWatchRate(region:)`). When that is
/// more than the tail's part of the budget — all of it, less the quarter that history and
/// verification are guaranteed while they have work (`RequestBudget`) — every group is
/// polled less often than configured, and events take that much longer to arrive, so the
/// daemon says so, with the interval it can keep.
enum PollBudget {
    struct Shortfall: Equatable {
        /// `account:region` of a configured source, or "" for the default one.
        var source: String
        var groups: Int
        var neededPerSecond: Double
        /// The budget of that account and region.
        var budgetPerSecond: Int
        /// How often each group of that source can be polled, in seconds.
        var effectiveSeconds: Double
    }

    /// `perSecond` gives the budget of a group's region (`defaultRegion` for the default source's groups).
    static func shortfalls(groups: [String], pollSeconds: Int, defaultRegion: String, perSecond: (String) -> Int) -> [Shortfall] {
        var bySource: [String: (region: String, count: Int)] = [:]
        for group in groups {
            let parts = GroupKey.parse(group)
            bySource[GroupKey.source(group) ?? "", default: (parts?.region ?? defaultRegion, 0)].count += 1
        }
        return bySource.sorted { $0.key < $1.key }.compactMap { source, found in
            let needed = Double(found.count) / Double(max(1, pollSeconds))
            let budget = max(1, perSecond(found.region))
            let tailShare = Double(budget) * Double(RequestBudget.backgroundEvery - 1) / Double(RequestBudget.backgroundEvery)
            guard needed > tailShare else { return nil }
            return Shortfall(source: source, groups: found.count, neededPerSecond: needed, budgetPerSecond: budget,
                             effectiveSeconds: Double(found.count) / tailShare)
        }
    }
}
