/// How hard one side (CloudWatch or Elasticsearch) is pushing back, with a circuit
/// breaker in front of it. Each failure (throttling, 5xx, a dropped connection) lengthens
/// a streak and doubles a backoff; each success shortens both. The streak sets the stress
/// level the priority gate reads. After `breakerThreshold` failures in a row the breaker
/// opens: callers wait out the backoff, then one probe goes through (half-open); its
/// success closes the breaker, its failure opens it again for longer. Every change of
/// level or breaker state is logged.
actor StressTracker {
    enum Level: Int, Sendable, Comparable, CustomStringConvertible {
        /// No recent failures.
        case calm
        /// Some failures: the lowest priorities pause.
        case strained
        /// Repeated failures: reconciliation pauses too.
        case elevated
        /// Persistent failures or an open breaker: only the tail and repairs go on.
        case critical

        static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
        var description: String { ["calm", "strained", "elevated", "critical"][rawValue] }
    }

    enum Breaker: Sendable, Equatable, CustomStringConvertible {
        case closed
        case open(until: Double)
        case halfOpen

        var description: String {
            switch self {
            case .closed: return "closed"
            case .open: return "open"
            case .halfOpen: return "half-open"
            }
        }
    }

    let side: String
    private(set) var streak = 0
    private(set) var breaker: Breaker = .closed
    private(set) var backoffSeconds: Double
    private let minBackoff: Double
    private let maxBackoff: Double
    private let breakerThreshold: Int
    private let clock: @Sendable () -> Double
    private var probeInFlight = false
    /// Which admission holds the probe slot: a slot is freed only by the request it was given to.
    private var probeNumber: UInt64 = 0
    private var lastLevel: Level = .calm
    /// Requests waiting in `admit`, and when a request last ended in any way: the watchdog's
    /// evidence that requests are waiting while none goes anywhere.
    private(set) var waiting = 0
    private var lastEnded: Double
    private(set) var lastFailure: Double = -.infinity

    init(side: String, minBackoff: Double, maxBackoff: Double, breakerThreshold: Int = 5,
                clock: @escaping @Sendable () -> Double = WallClock.monotonicSeconds) {
        self.side = side
        self.minBackoff = minBackoff
        self.maxBackoff = max(minBackoff, maxBackoff)
        self.breakerThreshold = breakerThreshold
        self.clock = clock
        backoffSeconds = minBackoff
        lastEnded = clock()
    }

    /// What `admit` gave a request: whether it is the half-open breaker's probe.
    struct Admission: Sendable {
        let probe: UInt64?
    }

    var level: Level {
        if case .open = breaker { return .critical }
        switch streak {
        case 0: return .calm
        case 1..<3: return .strained
        case 3..<10: return .elevated
        default: return .critical
        }
    }

    func failure(_ what: String) {
        streak += 1
        lastFailure = clock()
        lastEnded = lastFailure
        backoffSeconds = min(maxBackoff, backoffSeconds * 2)
        probeInFlight = false
        if breaker == .halfOpen || (breaker == .closed && streak >= breakerThreshold) {
            breaker = .open(until: clock() + backoffSeconds)
            Log.warn("circuit open: pausing requests", ("side", side), ("failures", streak), ("retry_in_s", Int(backoffSeconds.rounded(.up))), ("last", what))
        }
        noteLevel()
    }

    func success() {
        lastEnded = clock()
        streak = max(0, streak - 1)
        backoffSeconds = max(minBackoff, backoffSeconds / 2)
        if breaker == .halfOpen {
            // Recovering, not recovered: the level comes down with the next few successes.
            streak = min(streak, breakerThreshold - 1)
            breaker = .closed
            Log.info("circuit closed: requests flow again", ("side", side))
        }
        probeInFlight = false
        noteLevel()
    }

    /// One request under the breaker: waits for admission, sends, and however the request
    /// ends (answered, refused for good, thrown, cut in two by a 413 and sent again as
    /// halves) frees the probe slot it may hold. Without that, a probe ended by an error
    /// that is neither `success` nor `failure` leaves the breaker half-open with its slot
    /// taken, and every later request to this side waits forever.
    nonisolated func admitted<T>(_ request: () async throws -> T) async rethrows -> T {
        let admission = await admit()
        do {
            let value = try await request()
            await ended(admission)
            return value
        } catch {
            await ended(admission)
            throw error
        }
    }

    /// Returns when a request may go: at once while the breaker is closed; when it is
    /// open, after its wait, as the single probe or once the probe has succeeded. A caller
    /// that holds the probe must end it with `success`, `failure` or `ended`; `admitted`
    /// does the last for it.
    @discardableResult
    func admit() async -> Admission {
        var counted = false
        defer { if counted { waiting -= 1 } }
        while true {
            switch breaker {
            case .closed:
                return Admission(probe: nil)
            case .open(let until):
                let now = clock()
                if now >= until {
                    breaker = .halfOpen
                    Log.info("circuit half-open: probing", ("side", side))
                    continue
                }
                if !counted { waiting += 1; counted = true }
                try? await Task.sleep(nanoseconds: UInt64(min(1, until - now) * 1e9))
            case .halfOpen:
                if !probeInFlight {
                    probeInFlight = true
                    probeNumber += 1
                    return Admission(probe: probeNumber)
                }
                if !counted { waiting += 1; counted = true }
                try? await Task.sleep(nanoseconds: 100_000_000)
            }
        }
    }

    /// A request has ended, whatever its outcome: its probe slot, if it still holds it
    /// (no `success` or `failure` came first), is free for the next request.
    func ended(_ admission: Admission) {
        lastEnded = clock()
        if let probe = admission.probe, probeInFlight, probe == probeNumber {
            probeInFlight = false
        }
    }

    /// Seconds for which requests have been waiting here while none ended, once that is
    /// longer than `limit`; nil otherwise. An open breaker waiting out its backoff is not
    /// a stall until the wait is over.
    func stalled(longerThan limit: Double) -> Double? {
        guard waiting > 0 else { return nil }
        if case .open(let until) = breaker, clock() < until { return nil }
        let idle = clock() - lastEnded
        return idle > limit ? idle : nil
    }

    private func noteLevel() {
        let now = level
        guard now != lastLevel else { return }
        if now > lastLevel {
            Log.warn("stress rising", ("side", side), ("level", now), ("failures", streak))
        } else {
            Log.info("stress easing", ("side", side), ("level", now), ("failures", streak))
        }
        lastLevel = now
    }
}
