/// What the adaptive controller learned from the bulk requests since its last decision.
struct WindowStats: Sendable, Equatable {
    var requests: Int
    var p50Millis: Double
    var p95Millis: Double
    /// Requests answered 429, or with items refused as busy.
    var throttled: Int = 0
    /// Requests that failed otherwise (5xx, dropped connections, timeouts).
    var failed: Int = 0

    /// Percentiles by the nearest-rank method over `latencies` (milliseconds).
    static func of(latencies: [Double], throttled: Int, failed: Int) -> WindowStats {
        let sorted = latencies.sorted()
        func rank(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(sorted.count - 1, max(0, index))]
        }
        return WindowStats(requests: latencies.count + failed, p50Millis: rank(0.5), p95Millis: rank(0.95), throttled: throttled, failed: failed)
    }
}
