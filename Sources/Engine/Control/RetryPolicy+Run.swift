extension RetryPolicy {
    /// What one attempt came to.
    enum Attempt<Value> {
        case done(Value)
        /// Worth another attempt after the policy's wait; `orGiveUp`, if any, is the answer
        /// when the policy gives up (a busy response the caller reads as it is).
        case again(Failure, because: String, orGiveUp: Value? = nil)
        /// Goes again at once, not counted (new credentials, a smaller request).
        case now
    }

    /// The one retry loop every request goes through (CloudWatch calls, Elasticsearch's
    /// requests, bulk rounds): runs `attempt` until it is done, throws what is not worth
    /// another attempt (`failure(of:)`), and waits between attempts as the policy says.
    /// `retrying` hears each retry before its wait (to log it); `giveUp` makes the error once
    /// the policy gives up, from the last error thrown (if any) and the last reason.
    func run<Value>(
        giveUp: (_ last: (any Error)?, _ why: String, _ attempts: Attempts) -> any Error,
        retrying: (_ failure: Failure, _ why: String, _ attempt: Int) -> Void = { _, _, _ in },
        _ attempt: () async throws -> Attempt<Value>
    ) async throws -> Value {
        var attempts = Attempts()
        while true {
            let failure: Failure
            let why: String
            var last: (any Error)?
            var fallback: Value?
            do {
                switch try await attempt() {
                case .done(let value):
                    return value
                case .now:
                    continue
                case .again(let kind, let reason, let orGiveUp):
                    (failure, why, fallback) = (kind, reason, orGiveUp)
                }
            } catch {
                guard let kind = Self.failure(of: error) else { throw error }
                (failure, why, last) = (kind, Self.describe(error), error)
            }
            guard let delay = next(after: failure, &attempts) else {
                if let fallback { return fallback }
                throw giveUp(last, why, attempts)
            }
            retrying(failure, why, attempts.failed)
            try await Task.sleep(nanoseconds: UInt64(delay) * 1_000_000)
        }
    }

    /// A failure in a log line's words: the service's code, the transport's message.
    static func describe(_ error: any Error) -> String {
        (error as? CloudWatchError)?.code ?? (error as? KinesisError)?.code ?? (error as? HTTPTransportError)?.message ?? "\(error)"
    }
}
