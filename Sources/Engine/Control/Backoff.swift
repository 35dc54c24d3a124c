/// Exponential backoff with full jitter: attempt n waits a uniform random time in
/// [0, min(max, base·2ⁿ)], which spreads retries of many clients apart.
struct Backoff: Sendable {
    var baseMillis: Int
    var maxMillis: Int

    init(baseMillis: Int, maxMillis: Int) {
        self.baseMillis = max(1, baseMillis)
        self.maxMillis = max(self.baseMillis, maxMillis)
    }

    func ceiling(attempt: Int) -> Int {
        let shift = min(attempt, 30)
        let grown = baseMillis.multipliedReportingOverflow(by: 1 << shift)
        return grown.overflow ? maxMillis : min(maxMillis, grown.partialValue)
    }

    func delay(attempt: Int) -> Int {
        Int.random(in: 0...ceiling(attempt: attempt))
    }

    func sleep(attempt: Int) async throws {
        try await Task.sleep(nanoseconds: UInt64(delay(attempt: attempt)) * 1_000_000)
    }
}
