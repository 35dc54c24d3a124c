import Synchronization

/// Monotonic seconds that move only when the test says so.
final class ManualClock: Sendable {
    private let seconds: Mutex<Double>

    init(_ start: Double = 1000) {
        seconds = Mutex(start)
    }

    func read() -> Double { seconds.withLock { $0 } }
    func advance(_ delta: Double) { seconds.withLock { $0 += delta } }
}
