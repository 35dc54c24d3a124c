import Synchronization
import Testing
@testable import Engine

/// CloudWatch answers from a script, one answer per request in order: the rig's moto
/// answers AccessDenied or ExpiredToken only for reasons a test cannot switch on and off
/// between two requests.
final class ScriptedCloudWatch: HTTPTransport {
    private let script: Mutex<[(status: Int, type: String?, body: String)]>
    private let count = Mutex(0)

    init(_ script: [(status: Int, type: String?, body: String)]) {
        self.script = Mutex(script)
    }

    var requests: Int { count.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        count.withLock { $0 += 1 }
        let answer = script.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
        let headers = answer.type.map { [HTTPHeader("x-amzn-ErrorType", $0)] } ?? []
        return HTTPResponse(status: answer.status, headers: headers, body: Array(answer.body.utf8))
    }

    static let emptyPage = (status: 200, type: String?.none, body: #"{"events":[],"searchedLogStreams":[]}"#)

    func client(credentials: CredentialsProvider = CountingCredentials()) -> CloudWatchLogsClient {
        CloudWatchLogsClient(transport: self, endpoint: "http://logs.test", region: "us-east-1", credentials: credentials,
                             timeoutSeconds: 5, retry: RetryPolicy(backoff: Backoff(baseMillis: 1, maxMillis: 4), maxAttempts: 3, busyWindowSeconds: 5),
                             budget: RequestBudget(ratePerSecond: 1000))
    }
}

/// Credentials as a chain would resolve them, numbered by how often they were resolved.
final class CountingCredentials: CredentialsProvider {
    private let count = Mutex(0)
    var resolved: Int { count.withLock { $0 } }

    func credentials() async throws -> AWSCredentials {
        let number = count.withLock { value -> Int in
            value += 1
            return value
        }
        return AWSCredentials(accessKeyId: "key-\(number)", secretAccessKey: "secret", sessionToken: "token-\(number)", origin: "test")
    }
}

/// Whether `body` finishes within `seconds`: for calls that hang when the bug is back. The
/// body runs in a task of its own that is left behind if it hangs, so the test fails at the
/// deadline instead of hanging with it.
func finishes(within seconds: Double, _ body: @escaping @Sendable () async -> Void) async -> Bool {
    let done = Mutex(false)
    Task { await body(); done.withLock { $0 = true } }
    let deadline = WallClock.monotonicSeconds() + seconds
    while WallClock.monotonicSeconds() < deadline {
        if done.withLock({ $0 }) { return true }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    return done.withLock { $0 }
}
