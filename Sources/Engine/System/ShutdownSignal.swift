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
    /// Kept only so the source stays alive; written once, by `installHandlers`, before any
    /// signal can reach it.
    nonisolated(unsafe) private var sources: [DispatchSourceRead] = []

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

    /// Routes SIGINT and SIGTERM here instead of killing the process. The handler only
    /// writes the signal's number to a pipe, read on a queue of its own. (A dispatch signal
    /// source with the signals ignored lost a signal now and then: the kernel gives a
    /// process's signal to any thread that does not block it, and for an ignored signal
    /// that is the end of it.)
    public func installHandlers() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            Log.warn("cannot watch for signals (pipe failed); SIGINT and SIGTERM stop at once", ("errno", errno))
            return
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        signalPipe = ends[1]
        let reader = ends[0]
        let source = DispatchSource.makeReadSource(fileDescriptor: reader, queue: DispatchQueue(label: "logstream.signals"))
        source.setEventHandler { [self] in
            var numbers = [UInt8](repeating: 0, count: 16)
            let count = read(reader, &numbers, numbers.count)
            for number in numbers.prefix(max(0, count)).map(Int32.init) {
                if isRequested {
                    Log.warn("second signal: exiting now without finishing", ("signal", number))
                    _exit(128 + number)
                }
                Log.info("signal received: finishing the current step, writing checkpoints, then exiting (send it again to exit at once)", ("signal", number))
                request()
            }
        }
        source.resume()
        // Kept for the life of the process (see `sources`).
        sources = [source]
        var action = sigaction()
        action.__sigaction_handler.sa_handler = forwardSignal
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        for number in [SIGINT, SIGTERM] { sigaction(number, &action, nil) }
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

/// The pipe's write end the signal handler writes to; set once by `installHandlers` before
/// the handler is installed, and only read after (by the handler).
nonisolated(unsafe) private var signalPipe: Int32 = -1

/// The signal handler: one write(2), which is async-signal-safe, of the signal's number.
/// `errno` is put back as it was: the interrupted code may be about to read it.
private let forwardSignal: @convention(c) (Int32) -> Void = { number in
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipe, &byte, 1)
    errno = saved
}
