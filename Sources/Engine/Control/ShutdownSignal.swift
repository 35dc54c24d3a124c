import Dispatch
import Glibc

/// SIGINT/SIGTERM handling for long runs: the first signal asks every loop to stop at
/// its next safe point (after the current page is acknowledged and checkpointed); a
/// second signal exits at once.
public final class ShutdownSignal: Sendable {
    private struct State {
        var requested = false
        var nextToken = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Locked(State())
    /// Kept only so the sources stay alive; written once, by `installHandlers`.
    nonisolated(unsafe) private var sources: [DispatchSourceSignal] = []

    public init() {}

    public var isRequested: Bool { state.withLock { $0.requested } }

    func request() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.requested = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Routes SIGINT and SIGTERM here instead of killing the process.
    public func installHandlers() {
        var installed: [DispatchSourceSignal] = []
        // A queue of their own, not the global one the Swift tasks run on: a busy process
        // (every worker thread copying a page) must still hear the second signal at once.
        let queue = DispatchQueue(label: "logstream.signals")
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            // The handler holds its source: both live as long as the process (see `sources`).
            source.setEventHandler { [self, source] in
                // Signals that arrive before the handler runs are merged into one event with
                // their count: two quick Ctrl-Cs are a second signal too.
                if isRequested || source.data > 1 {
                    Log.warn("second signal: exiting now without finishing", ("signal", number))
                    _exit(128 + number)
                }
                Log.info("signal received: finishing the current step, writing checkpoints, then exiting (send it again to exit at once)", ("signal", number))
                request()
            }
            source.resume()
            installed.append(source)
        }
        sources = installed
    }

    /// Returns once shutdown has been requested.
    func requested() async {
        while !isRequested { await wait(seconds: 86_400) }
    }

    /// After a request, gives the process `seconds` to stop on its own, then exits with
    /// `status`: checkpoints are written as data is acknowledged, so nothing acknowledged
    /// is lost, and what was in flight is read again on the next start.
    public func enforceDeadline(seconds: Double, status: Int32 = 0) {
        Task.detached {
            await self.requested()
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            Log.warn("still busy after the shutdown deadline; exiting now (in-flight requests are abandoned and read again next start)",
                     ("seconds", Int(seconds)))
            _exit(status)
        }
    }

    /// Sleeps up to `seconds`, returning early when shutdown is requested.
    func wait(seconds: Double) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let token = state.withLock { state -> Int? in
                if state.requested { return nil }
                state.nextToken += 1
                state.waiters[state.nextToken] = continuation
                return state.nextToken
            }
            guard let token else {
                continuation.resume()
                return
            }
            Task {
                try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
                self.wake(token)
            }
        }
    }

    private func wake(_ token: Int) {
        state.withLock { $0.waiters.removeValue(forKey: token) }?.resume()
    }
}
