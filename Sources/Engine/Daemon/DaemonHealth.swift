/// The daemon's verdict on itself, served at /healthz and /readyz.
///
/// Not healthy — restarting it may help: a side the stall watchdog found stalled (requests
/// waiting, none ending), or a tail that has neither finished a pass nor stored a page for
/// `tailLimitSeconds` while it has groups to poll and both sides answer normally. A tail held
/// up by a failing or refusing service is not a reason to restart (a restart storm helps no
/// one and the daemon resumes by itself): that makes it not ready instead.
///
/// Not ready — keep it out of a rollout's count: anything not healthy, a side under critical
/// stress (failing again and again, or its circuit breaker open), and — with
/// COORDINATION=elasticsearch — no lease round succeeded within two rounds.
struct DaemonHealth: Sendable {
    struct Facts: Sendable {
        var now: Double
        var tailMoved: Double
        /// Whether this instance has groups to poll now (held, not read through a stream, not resting).
        var tailExpected: Bool
        var stalledSides: Set<String>
        /// Each side's stress level (`StressTracker`), by side.
        var stress: [String: StressTracker.Level]
        /// With coordination: seconds between lease rounds, and when one last succeeded.
        var leaseRoundSeconds: Double?
        var leaseRoundSucceeded: Double?
    }

    /// No tail progress for this long, with both sides calm, is a wedge: ten poll intervals
    /// (a quiet group is polled every four), and at least four request timeouts.
    let tailLimitSeconds: Double

    init(pollSeconds: Int, httpTimeoutSeconds: Int) {
        tailLimitSeconds = Double(max(10 * pollSeconds, 4 * httpTimeoutSeconds))
    }

    func verdict(_ facts: Facts) -> ServedStatus.Verdict {
        var problems: [String] = []
        for side in facts.stalledSides.sorted() {
            problems.append("requests to \(side) are waiting and none has ended (stall watchdog)")
        }
        let still = facts.now - facts.tailMoved
        let calm = facts.stress.values.allSatisfy { $0 == .calm }
        if facts.tailExpected, calm, still > tailLimitSeconds {
            problems.append("the tail has neither finished a pass nor stored a page for \(Int(still)) s (limit \(Int(tailLimitSeconds)) s) while both services answer")
        }
        var notReady = problems
        for (side, level) in facts.stress.sorted(by: { $0.key < $1.key }) where level == .critical {
            notReady.append("\(side): requests fail again and again (stress critical); shipping waits for it")
        }
        if let round = facts.leaseRoundSeconds {
            if let succeeded = facts.leaseRoundSucceeded {
                if facts.now - succeeded > 2 * round + 1 {
                    notReady.append("the last lease round succeeded \(Int(facts.now - succeeded)) s ago (rounds every \(Int(round)) s)")
                }
            } else {
                notReady.append("no lease round has succeeded yet")
            }
        }
        return ServedStatus.Verdict(problems: problems, notReady: notReady)
    }
}
