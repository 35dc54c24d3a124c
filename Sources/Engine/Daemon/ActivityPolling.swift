/// How often the daemon polls a group, by how long ago it last had new events: every
/// POLL_INTERVAL_SECS while it had some in the last minute, at twice that after a quiet
/// minute, at four times after five quiet minutes; its next new event brings it back at
/// once. The request budget goes where the events are, and a quiet group's first new event
/// waits at most `maxFactor` × POLL_INTERVAL_SECS (plus what the quota adds to every poll).
struct ActivityPolling: Sendable {
    /// (quiet for at least this many seconds, polled at this many intervals), longest first.
    static let steps: [(quietSeconds: Double, factor: Double)] = [(300, 4), (60, 2)]
    static var maxFactor: Double { steps.map(\.factor).max() ?? 1 }
    /// Monotonic seconds of each group's last new event (or of its first pass).
    private var lastActive: [GroupKey: Double] = [:]

    /// A pass of `group` at `now` created `newEvents` documents.
    mutating func record(_ group: GroupKey, newEvents: Int, now: Double) {
        if newEvents > 0 || lastActive[group] == nil { lastActive[group] = now }
    }

    /// Seconds until `group`'s next pass, for a configured interval of `pollSeconds`.
    func interval(_ group: GroupKey, pollSeconds: Double, now: Double) -> Double {
        let quiet = now - (lastActive[group] ?? now)
        let factor = Self.steps.first { quiet >= $0.quietSeconds }?.factor ?? 1
        return pollSeconds * factor
    }
}
