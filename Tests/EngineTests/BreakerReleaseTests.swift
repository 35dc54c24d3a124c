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
                             timeoutSeconds: 5, backoff: Backoff(baseMillis: 1, maxMillis: 4), budget: RequestBudget(ratePerSecond: 1000),
                             maxAttempts: 3, busyWindowSeconds: 5)
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

@Suite struct BreakerReleaseTests {
    /// The probe of a half-open breaker that ends in an error no retry follows (here
    /// AccessDenied) must free the probe slot: otherwise every later request to that
    /// side waits forever, the tail included, without a word.
    @Test func aProbeEndingInAPermanentErrorLetsTheNextRequestThrough() async throws {
        let cloudWatch = ScriptedCloudWatch([
            (400, "AccessDeniedException", #"{"__type":"AccessDeniedException","message":"not allowed"}"#),
            ScriptedCloudWatch.emptyPage,
        ])
        let client = cloudWatch.client()
        for _ in 0..<5 { await client.stress.failure("HTTP 503") }
        guard case .open(let until) = await client.stress.breaker else {
            Issue.record("the breaker should be open")
            return
        }
        while WallClock.monotonicSeconds() < until { try await Task.sleep(nanoseconds: 1_000_000) }

        await #expect(throws: CloudWatchError.self) {
            _ = try await client.filterLogEvents(group: "/g", start: 1, endInclusive: nil, nextToken: nil)
        }
        let next = await finishes(within: 10) {
            _ = try? await client.filterLogEvents(group: "/g", start: 1, endInclusive: nil, nextToken: nil)
        }
        #expect(next, "the request after the probe is still waiting for the breaker")
        #expect(cloudWatch.requests == 2)
    }

    /// The watchdog's evidence: requests waiting, none ended for longer than the limit, and
    /// the breaker not holding them back on purpose. A probe that never ends (the request
    /// hangs past every timeout) is such a stall.
    @Test func requestsWaitingBehindAProbeThatNeverEndsAreAStall() async throws {
        let clock = ManualClock(100)
        let tracker = StressTracker(side: "test", minBackoff: 1, maxBackoff: 60, breakerThreshold: 2, clock: { clock.read() })
        for _ in 0..<2 { await tracker.failure("HTTP 503") }
        #expect(await tracker.stalled(longerThan: 30) == nil, "an open breaker waiting out its backoff is no stall")
        clock.advance(4)
        await tracker.admit()  // the probe, which never ends
        let waiter = Task { await tracker.admit() }
        let waited = await finishes(within: 10) {
            while await tracker.waiting == 0 { try? await Task.sleep(nanoseconds: 5_000_000) }
        }
        #expect(waited)
        #expect(await tracker.stalled(longerThan: 30) == nil, "not yet: the limit has not passed")
        clock.advance(31)
        #expect(await tracker.stalled(longerThan: 30) == 35, "nothing has ended since the second failure, 35 s ago")
        await tracker.success()
        _ = await waiter.value
        #expect(await tracker.stalled(longerThan: 30) == nil)
    }
}

@Suite struct ExpiredCredentialsTests {
    /// Credentials without an expiry (a profile's, the environment's) are cached for the
    /// life of the process; when CloudWatch then says they expired, the chain is resolved
    /// again (the file or the role may have been renewed) and the request sent again.
    @Test func anExpiredTokenAnswerResolvesTheChainAgainAndRetries() async throws {
        let cloudWatch = ScriptedCloudWatch([
            (400, "ExpiredTokenException", #"{"__type":"ExpiredTokenException","message":"The security token included in the request is expired"}"#),
            ScriptedCloudWatch.emptyPage,
        ])
        let chain = CountingCredentials()
        let client = cloudWatch.client(credentials: CachedCredentials(chain))
        let page = try await client.filterLogEvents(group: "/g", start: 1, endInclusive: nil, nextToken: nil)
        #expect(page.events.isEmpty)
        #expect(cloudWatch.requests == 2)
        #expect(chain.resolved == 2)
    }

    /// Still expired after a fresh resolution: a clear error, not a loop.
    @Test func credentialsStillExpiredAfterRenewalFailWithTheReason() async throws {
        let cloudWatch = ScriptedCloudWatch([
            (400, "ExpiredTokenException", #"{"__type":"ExpiredTokenException","message":"The security token included in the request is expired"}"#),
        ])
        let chain = CountingCredentials()
        let client = cloudWatch.client(credentials: CachedCredentials(chain))
        await #expect(throws: CloudWatchError.self) {
            _ = try await client.filterLogEvents(group: "/g", start: 1, endInclusive: nil, nextToken: nil)
        }
        #expect(cloudWatch.requests == 2)
        #expect(chain.resolved == 2)
    }
}

@Suite struct ReconcileCutShortTests {
    /// A round stopped for more urgent work before its windows were all compared must say
    /// so: the daemon records only finished rounds as verified (it used to move on to the
    /// next older day, and the day it was cut short on waited a whole cycle).
    @Test func aRoundStoppedBeforeItsWindowsAreComparedSaysItStoppedEarly() async throws {
        let cloudWatch = ScriptedCloudWatch([ScriptedCloudWatch.emptyPage])
        let cluster = ScriptedCluster([])
        let layout = IndexLayout(prefix: "cloudwatch")
        let sink = BulkSink(client: cluster.client(), limits: BulkLimits(batchSize: 10, inFlight: 1), backoff: Backoff(baseMillis: 1, maxMillis: 2),
                            deadLetters: DeadLetterFile(path: "/dev/null"))
        let queries = QueryCounter()
        let reconciler = Reconciler(source: cloudWatch.client(), elasticsearch: ElasticsearchWindows(client: cluster.client(), layout: layout, queries: queries),
                                    sink: sink, builder: DocumentBuilder(region: "r"), layout: layout, queries: queries,
                                    options: ReconcileOptions(counts: .events))
        let day = TimeRange(start: 1_700_000_000_000 - WallClock.millisPerDay, end: 1_700_000_000_000)
        let stopped = await reconciler.reconcile(group: "/g", range: day, retentionDays: nil, control: CopyControl(stop: { _ in true }))
        #expect(stopped.stoppedEarly && stopped.error == nil)
        #expect(cloudWatch.requests == 0)
    }
}
