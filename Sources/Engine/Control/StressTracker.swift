/// How hard one side (CloudWatch or Elasticsearch) is pushing back, with a circuit
/// breaker in front of it. Each failure (throttling, 5xx, a dropped connection) lengthens
/// a streak and doubles a backoff; each success shortens both. The streak sets the stress
/// level the priority gate reads. After `breakerThreshold` failures in a row the breaker
/// opens: callers wait out the backoff, then one probe goes through (half-open); its
/// success closes the breaker, its failure opens it again for longer. Every change of
/// level or breaker state is logged.
public actor StressTracker {
    public enum Level: Int, Sendable, Comparable, CustomStringConvertible {
        /// No recent failures.
        case calm
        /// Some failures: the lowest priorities pause.
        case strained
        /// Repeated failures: reconciliation pauses too.
        case elevated
        /// Persistent failures or an open breaker: only the tail and repairs go on.
        case critical

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
        public var description: String { ["calm", "strained", "elevated", "critical"][rawValue] }
    }

    public enum Breaker: Sendable, Equatable, CustomStringConvertible {
        case closed
        case open(until: Double)
        case halfOpen

        public var description: String {
            switch self {
            case .closed: return "closed"
            case .open: return "open"
            case .halfOpen: return "half-open"
            }
        }
    }

    public let side: String
    public private(set) var streak = 0
    public private(set) var breaker: Breaker = .closed
    private(set) var backoffSeconds: Double
    private let minBackoff: Double
    private let maxBackoff: Double
    private let breakerThreshold: Int
    private let clock: @Sendable () -> Double
    private var probeInFlight = false
    private var lastLevel: Level = .calm
    public private(set) var lastFailure: Double = -.infinity

    public init(side: String, minBackoff: Double, maxBackoff: Double, breakerThreshold: Int = 5,
                clock: @escaping @Sendable () -> Double = WallClock.monotonicSeconds) {
        self.side = side
        self.minBackoff = minBackoff
        self.maxBackoff = max(minBackoff, maxBackoff)
        self.breakerThreshold = breakerThreshold
        self.clock = clock
        backoffSeconds = minBackoff
    }

    public var level: Level {
        if case .open = breaker { return .critical }
        switch streak {
        case 0: return .calm
        case 1..<3: return .strained
        case 3..<10: return .elevated
        default: return .critical
        }
    }

    public func failure(_ what: String) {
        streak += 1
        lastFailure = clock()
        backoffSeconds = min(maxBackoff, backoffSeconds * 2)
        probeInFlight = false
        if breaker == .halfOpen || (breaker == .closed && streak >= breakerThreshold) {
            breaker = .open(until: clock() + backoffSeconds)
            Log.warn("circuit open: pausing requests", ("side", side), ("failures", streak), ("retry_in_s", Int(backoffSeconds.rounded(.up))), ("last", what))
        }
        noteLevel()
    }

    public func success() {
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

    /// Returns when a request may go: at once while the breaker is closed; when it is
    /// open, after its wait, as the single probe or once the probe has succeeded.
    public func admit() async {
        while true {
            switch breaker {
            case .closed:
                return
            case .open(let until):
                let now = clock()
                if now >= until {
                    breaker = .halfOpen
                    Log.info("circuit half-open: probing", ("side", side))
                    continue
                }
                try? await Task.sleep(nanoseconds: UInt64(min(1, until - now) * 1e9))
            case .halfOpen:
                if !probeInFlight {
                    probeInFlight = true
                    return
                }
                try? await Task.sleep(nanoseconds: 100_000_000)
            }
        }
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
