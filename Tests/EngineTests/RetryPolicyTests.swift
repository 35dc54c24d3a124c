import Testing
@testable import Engine

/// One policy decides for CloudWatch calls, bulk writes and other requests alike.
@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(backoff: Backoff(baseMillis: 100, maxMillis: 800), maxAttempts: 3, busyWindowSeconds: 60)

    @Test func noAnswerIsTriedMaxAttemptsTimesWithTheConfiguredBackoff() {
        var attempts = RetryPolicy.Attempts(started: 0)
        let waits = (0..<4).map { _ in policy.next(after: .unanswered, &attempts, now: 1) }
        #expect(waits[0].map { (0...100).contains($0) } == true)
        #expect(waits[1].map { (0...200).contains($0) } == true)
        #expect(waits[2] == nil && waits[3] == nil, "three attempts in all: \(waits)")
    }

    @Test func aBusyServiceIsWaitedOutForTheWindowFromTheFirstAttempt() {
        var attempts = RetryPolicy.Attempts(started: 0)
        for second in stride(from: 1.0, to: 60, by: 5) {
            #expect(policy.next(after: .busy, &attempts, now: second).map { (0...800).contains($0) } == true, "at \(second) s")
        }
        #expect(policy.next(after: .busy, &attempts, now: 60) == nil)
    }

    @Test func theKindComesFromTheErrorsType() {
        #expect(RetryPolicy.failure(of: HTTPTransportError(kind: .timeout, message: "t", url: "u")) == .unanswered)
        #expect(RetryPolicy.failure(of: HTTPTransportError(kind: .connectionDropped, message: "d", url: "u")) == .unanswered)
        #expect(RetryPolicy.failure(of: HTTPTransportError(kind: .tls, message: "certificate", url: "u")) == nil)
        #expect(RetryPolicy.failure(of: CloudWatchError(operation: "FilterLogEvents", code: "ThrottlingException", message: "", status: 400)) == .busy)
        #expect(RetryPolicy.failure(of: CloudWatchError(operation: "FilterLogEvents", code: "ResourceNotFoundException", message: "", status: 400)) == nil)
        #expect(RetryPolicy.failure(of: ElasticsearchError(method: "POST", path: "/_search", status: 503, type: "unavailable", reason: "")) == .busy)
        #expect(RetryPolicy.failure(of: ElasticsearchError(method: "POST", path: "/_search", status: 400, type: "parsing_exception", reason: "")) == nil)
        #expect([429, 502, 503, 504].allSatisfy(RetryPolicy.isBusy(status:)) && ![200, 400, 404, 409, 413, 500].contains(where: RetryPolicy.isBusy(status:)))
    }
}
