import Glibc

/// Milliseconds since the Unix epoch, as CloudWatch uses them.
public typealias EpochMillis = Int64

public enum WallClock {
    public static func nowMillis() -> EpochMillis {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return EpochMillis(spec.tv_sec) * 1000 + EpochMillis(spec.tv_nsec / 1_000_000)
    }

    /// Monotonic seconds, for measuring durations.
    public static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    public static let millisPerDay: EpochMillis = 86_400_000
    static let millisPerHour: EpochMillis = 3_600_000
}
