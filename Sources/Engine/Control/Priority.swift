/// How urgent a piece of work is; the live tail must never wait behind history.
enum Priority: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// Deep history, older than a year.
    case idle = 0
    /// Historical backfill.
    case low = 1
    /// Reconciliation.
    case normal = 2
    /// Recent backfill, repairs and healing.
    case high = 3
    /// The live tail.
    case critical = 4

    static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }

    var description: String { ["idle", "low", "normal", "high", "critical"][rawValue] }

    /// The priority of copying history that ends `age` before now.
    static func forHistory(age: EpochMillis) -> Priority {
        switch age {
        case ..<(7 * WallClock.millisPerDay): return .high
        case ..<(365 * WallClock.millisPerDay): return .low
        default: return .idle
        }
    }
}
