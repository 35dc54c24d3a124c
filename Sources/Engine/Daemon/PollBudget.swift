/// Polling every group each POLL_INTERVAL_SECS takes groups / interval FilterLogEvents calls a
/// second from each account and region's request budget (CLOUDWATCH_MAX_RPS). When that is
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
        /// How often each group of that source can be polled, in seconds.
        var effectiveSeconds: Double
    }

    static func shortfalls(groups: [String], pollSeconds: Int, maxPerSecond: Int) -> [Shortfall] {
        var bySource: [String: Int] = [:]
        for group in groups { bySource[GroupKey.source(group) ?? "", default: 0] += 1 }
        return bySource.sorted { $0.key < $1.key }.compactMap { source, count in
            let needed = Double(count) / Double(max(1, pollSeconds))
            let tailShare = Double(max(1, maxPerSecond)) * Double(RequestBudget.backgroundEvery - 1) / Double(RequestBudget.backgroundEvery)
            guard needed > tailShare else { return nil }
            return Shortfall(source: source, groups: count, neededPerSecond: needed, effectiveSeconds: Double(count) / tailShare)
        }
    }
}
