/// The one answer to "wait and try again, or give up?" for every request logstream sends:
/// CloudWatch calls, bulk writes and Elasticsearch's other requests. A failure is one of
/// two kinds, told apart by its type (`RetryPolicy.failure(of:)`), never by its text:
///
/// - busy: the service answered and asked for patience (throttling, 429, 502, 503, 504,
///   items refused as busy, a target blocked for writes). Waited out for `busyWindowSeconds`
///   from the first attempt: a cluster that is busy for minutes is still there.
/// - unanswered: a timeout, a refused or dropped connection. Tried `maxAttempts` times:
///   what never answers is usually a wrong endpoint, said soon.
///
/// Anything else (a 4xx, a TLS failure, a permanent CloudWatch error) is not retried. Waits
/// follow the configured backoff (BACKOFF_BASE_MS, BACKOFF_MAX_MS), with full jitter.
struct RetryPolicy: Sendable {
    enum Failure: Sendable, Equatable {
        case busy
        case unanswered
    }

    let backoff: Backoff
    let maxAttempts: Int
    let busyWindowSeconds: Double

    init(backoff: Backoff, maxAttempts: Int, busyWindowSeconds: Double) {
        self.backoff = backoff
        self.maxAttempts = max(1, maxAttempts)
        self.busyWindowSeconds = busyWindowSeconds
    }

    /// CloudWatch calls: busy waited out for ten minutes, ten tries without an answer.
    static func cloudWatch(_ backoff: Backoff) -> RetryPolicy { RetryPolicy(backoff: backoff, maxAttempts: 10, busyWindowSeconds: 600) }
    /// Bulk writes: busy (whole requests or items) for ten minutes, twelve unanswered tries.
    static func bulk(_ backoff: Backoff) -> RetryPolicy { RetryPolicy(backoff: backoff, maxAttempts: 12, busyWindowSeconds: 600) }
    /// Elasticsearch's other requests (searches, counts, settings, leases): their callers
    /// run again on their own schedule, so a short patience: four tries, thirty seconds.
    static func requests(_ backoff: Backoff) -> RetryPolicy { RetryPolicy(backoff: backoff, maxAttempts: 4, busyWindowSeconds: 30) }

    /// One request's failed attempts so far.
    struct Attempts: Sendable {
        private(set) var failed = 0
        var started: Double = WallClock.monotonicSeconds()

        mutating func count() { failed += 1 }
    }

    /// Counts a failed attempt; the milliseconds to wait before the next, or nil to give up.
    func next(after failure: Failure, _ attempts: inout Attempts, now: Double = WallClock.monotonicSeconds()) -> Int? {
        attempts.count()
        switch failure {
        case .busy:
            guard now - attempts.started < busyWindowSeconds else { return nil }
        case .unanswered:
            guard attempts.failed < maxAttempts else { return nil }
        }
        return backoff.delay(attempt: attempts.failed - 1)
    }

    /// The statuses that mean "busy, ask again later" from an HTTP service.
    static func isBusy(status: Int) -> Bool { [429, 502, 503, 504].contains(status) }

    /// The kind of a thrown error, or nil when it is not worth another attempt.
    static func failure(of error: any Error) -> Failure? {
        switch error {
        case let transport as HTTPTransportError:
            return transport.isRetryable ? .unanswered : nil
        case let cloudWatch as CloudWatchError:
            return cloudWatch.isRetryable ? .busy : nil
        case let kinesis as KinesisError:
            return kinesis.isRetryable ? .busy : nil
        case let elasticsearch as ElasticsearchError:
            return isBusy(status: elasticsearch.status) ? .busy : nil
        default:
            return nil
        }
    }
}
