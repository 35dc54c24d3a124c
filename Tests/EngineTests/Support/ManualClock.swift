@testable import Engine

/// Monotonic seconds that move only when the test says so. Behind `Locked` (a pthread
/// mutex), so a clock read on another thread (the status server's) is no race to
/// ThreadSanitizer.
final class ManualClock: Sendable {
    private let seconds: Locked<Double>

    init(_ start: Double = 1000) {
        seconds = Locked(start)
    }

    func read() -> Double { seconds.withLock { $0 } }
    func advance(_ delta: Double) { seconds.withLock { $0 += delta } }
}
