/// What the HTTP endpoint (`StatusServer`) answers with, as the daemon last published it:
/// the metrics text and its verdicts on health and readiness. The daemon's reporter
/// publishes every few seconds; the server's thread only reads. Kept apart from Swift
/// concurrency on purpose: a daemon whose tasks no longer run stops publishing, and the
/// server — on a thread of its own — still answers, with that failure.
final class ServedStatus: Sendable {
    struct Verdict: Sendable, Equatable {
        /// Why the daemon is not healthy (liveness) — empty: healthy.
        var problems: [String] = []
        /// Why it is not ready — empty: ready.
        var notReady: [String] = []
    }

    private struct Published: Sendable {
        var metrics: [UInt8] = []
        var verdict = Verdict(notReady: ["starting: connecting to Elasticsearch and CloudWatch"])
        /// Monotonic seconds of the last publication; nil while the daemon is starting.
        var at: Double?
    }

    private let published = Locked(Published())
    /// A running daemon that has not published for this long is not healthy.
    let staleAfterSeconds: Double
    private let clock: @Sendable () -> Double

    init(staleAfterSeconds: Double, clock: @escaping @Sendable () -> Double = WallClock.monotonicSeconds) {
        self.staleAfterSeconds = staleAfterSeconds
        self.clock = clock
    }

    func publish(metrics: String, verdict: Verdict) {
        let bytes = Array(metrics.utf8)
        let now = clock()
        published.withLock { $0 = Published(metrics: bytes, verdict: verdict, at: now) }
    }

    /// The metrics as last published, and seconds since (nil while starting).
    var metrics: (text: [UInt8], ageSeconds: Double?) {
        let now = clock()
        return published.withLock { ($0.metrics, $0.at.map { now - $0 }) }
    }

    /// The last verdict, with staleness added: a daemon that stopped publishing is neither
    /// healthy nor ready, whatever it said last.
    var verdict: Verdict {
        let now = clock()
        var (verdict, at) = published.withLock { ($0.verdict, $0.at) }
        if let at, now - at > staleAfterSeconds {
            let stale = "the daemon has not refreshed its status for \(Int(now - at)) s (its tasks are not running)"
            verdict.problems.append(stale)
            verdict.notReady.append(stale)
        }
        return verdict
    }
}
