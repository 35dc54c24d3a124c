import Glibc

/// A value behind a pthread mutex, for state shared with threads outside Swift
/// concurrency (libcurl's loop thread, the signal handlers' queue) and with loggers on any
/// thread. A pthread mutex is what ThreadSanitizer understands: `Synchronization.Mutex` on
/// Linux is a futex inside the uninstrumented standard library, so every hand-over through
/// one was reported as a race, and real races could hide among those reports.
///
/// `@unchecked Sendable`: the value is only ever read or written inside `withLock`, with the
/// mutex held, and the values kept here are Sendable themselves.
final class Locked<Value: Sendable>: @unchecked Sendable {
    // Allocated, not stored inline: a pthread mutex must not move, and only memory of its own
    // guarantees a stable address for the life of the lock.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
