/// Signed JSON 1.1 calls to the CloudWatch Logs API, with retries on throttling and
/// transient failures, and one clear error for everything permanent.
package final class CloudWatchLogsClient: Sendable {
    let transport: HTTPTransport
    let endpoint: String
    let region: String
    let credentials: CredentialsProvider
    let timeoutSeconds: Double
    /// When to try a call again (throttling, 5xx, no answer) and when to give up.
    let retry: RetryPolicy
    let budget: RequestBudget
    /// Throttling and failures raise it; the priority gate reads it and its breaker holds
    /// requests back while CloudWatch keeps failing.
    let stress: StressTracker
    /// Events read so far, by purpose: how many times each ingested event is read shows here.
    let eventsRead = Locked<[ReadPurpose: Int]>([:])
    /// The clients of the `[[source]]`s, by `account:region` (their own credentials and
    /// request budget: CloudWatch's quotas are per account and region). A group whose
    /// `GroupKey` names a source is read through that source's client. Added to as each
    /// source's account becomes known (a source whose credentials failed at start joins later).
    private let routes: Locked<[String: CloudWatchLogsClient]>

    init(
        transport: HTTPTransport, endpoint: String, region: String, credentials: CredentialsProvider,
        timeoutSeconds: Double, retry: RetryPolicy, budget: RequestBudget, routes: [String: CloudWatchLogsClient] = [:],
        side: String = "cloudwatch"
    ) {
        self.routes = Locked(routes)
        self.retry = retry
        self.budget = budget
        stress = StressTracker(side: side, minBackoff: Double(retry.backoff.baseMillis) / 1000, maxBackoff: Double(retry.backoff.maxMillis) / 1000)
        self.transport = transport
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.timeoutSeconds = timeoutSeconds
    }

    /// Calls `operation` until it succeeds, fails permanently, or runs out of attempts.
    func call(_ operation: String, _ body: JSONValue, logGroup: String? = nil, priority: Priority = .normal) async throws -> JSONValue {
        let bytes = try await callRaw(operation, body, logGroup: logGroup, priority: priority)
        do {
            return try JSONParser().parse(bytes)
        } catch {
            throw CloudWatchError(operation: operation, code: "MalformedResponse", message: "the response was not JSON: \(error)", status: 200, logGroup: logGroup)
        }
    }

    /// Calls `operation` with retries and returns the response body unparsed. Every attempt
    /// waits for the request budget; throttling lowers it, and every failure raises the
    /// stress (whether or not it is tried again). Expired credentials are renewed once.
    func callRaw(_ operation: String, _ body: JSONValue, logGroup: String? = nil, priority: Priority = .normal) async throws -> [UInt8] {
        var renewedCredentials = false
        return try await retry.run(giveUp: { last, _, attempts in givingUp(last ?? CloudWatchError(operation: operation, code: "Unknown", message: "no answer", status: 0, logGroup: logGroup), attempts: attempts.failed) },
                                   retrying: { failure, why, attempt in
            Log.group(GroupKey(logGroup ?? "-")).warn(failure == .busy ? "cloudwatch call failed, retrying" : "cloudwatch request failed, retrying",
                                            ("op", operation), ("error", why), ("attempt", attempt))
        }) {
            await budget.acquire(priority)
            do {
                let answer = try await stress.admitted { try await callOnceRaw(operation, body, logGroup: logGroup) }
                await budget.succeeded()
                await stress.success()
                return .done(answer)
            } catch let error as CloudWatchError where error.isExpiredCredentials && !renewedCredentials {
                // Once per call: resolved again and still expired is the caller's error to see.
                renewedCredentials = true
                await credentials.invalidate()
                return .now
            } catch {
                if RetryPolicy.failure(of: error) != nil {
                    if let cloudWatch = error as? CloudWatchError, cloudWatch.isThrottling { await budget.throttled() }
                    await stress.failure(RetryPolicy.describe(error))
                }
                throw error
            }
        }
    }

    /// The error that ends a call whose retries ran out, saying so.
    func givingUp(_ error: any Error, attempts: Int) -> any Error {
        if let transport = error as? HTTPTransportError { return unreachable(transport, attempts: attempts) }
        guard let cloudWatch = error as? CloudWatchError else { return error }
        return CloudWatchError(operation: cloudWatch.operation, code: cloudWatch.code,
                               message: "\(cloudWatch.message) — still after \(attempts) attempts over \(Int(retry.busyWindowSeconds)) s; giving up on this step",
                               status: cloudWatch.status, logGroup: cloudWatch.logGroup)
    }

    /// The transport failure in words an operator can act on: which endpoint, and which setting decides it.
    func unreachable(_ error: HTTPTransportError, attempts: Int) -> ConnectionError {
        let custom = !endpoint.contains(".amazonaws.com")
        let setting = custom ? "check AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_CLOUDWATCH_LOGS)" : "check AWS_REGION and that this host can reach AWS (proxy, firewall, DNS)"
        return ConnectionError(message: "cannot reach CloudWatch Logs at \(endpoint) after \(attempts) attempts: \(error.message); \(setting)")
    }

    func callOnceRaw(_ operation: String, _ body: JSONValue, logGroup: String?) async throws -> [UInt8] {
        let signing = AWSSigning(region: region, service: "logs", credentials: try await credentials.credentials())
        let request = HTTPRequest.awsJSON(endpoint: endpoint, target: "Logs_20140328.\(operation)", body: body, signing: signing, timeoutSeconds: timeoutSeconds)
        let response = try await transport.send(request)
        guard response.status == 200 else {
            throw CloudWatchError.from(response: response, operation: operation, logGroup: logGroup)
        }
        return response.body
    }

    /// The client that serves `group` (a `GroupKey`) and the name CloudWatch knows it by.
    func route(_ group: GroupKey) -> (client: CloudWatchLogsClient, name: String) {
        guard let source = group.source, let client = routed(source) else { return (self, group.rawValue) }
        return (client, group.name)
    }

    /// This client's stress tracker and every routed source's (each account and region has its
    /// own breaker, and each its own stall watch).
    var trackers: [StressTracker] {
        [stress] + routes.withLock { table in table.sorted { $0.key < $1.key }.map(\.value.stress) }
    }

    /// The client of the source reading `account:region`, if one is routed.
    func routed(_ key: String) -> CloudWatchLogsClient? { routes.withLock { $0[key] } }

    func hasRoute(_ key: String) -> Bool { routed(key) != nil }

    /// Routes `account:region` to `client`; false (and nothing changed) when it already is routed.
    @discardableResult
    func addRoute(_ key: String, _ client: CloudWatchLogsClient) -> Bool {
        routes.withLock { table in
            guard table[key] == nil else { return false }
            table[key] = client
            return true
        }
    }

    /// One page of events of `group` with timestamps in [start, end] (both inclusive, as in
    /// the API); no end means everything from `start` on. With `streams`, only theirs.
    func filterLogEvents(group: GroupKey, start: EpochMillis, endInclusive: EpochMillis?, nextToken: String?,
                         priority: Priority = .normal, purpose: ReadPurpose, limit: Int = 10_000,
                         streams: [String] = []) async throws -> LogEventPage {
        let (client, name) = route(group)
        if client !== self {
            return try await client.filterLogEvents(group: GroupKey(name), start: start, endInclusive: endInclusive, nextToken: nextToken,
                                                    priority: priority, purpose: purpose, limit: limit, streams: streams)
        }
        var request: [JSONMember] = [
            JSONMember("logGroupName", .string(group.rawValue)),
            // startTime 0 means "unset" to the API; 1 ms keeps the meaning "from the epoch".
            JSONMember("startTime", .int(max(1, start))),
            JSONMember("limit", .int(limit)),
            JSONMember("interleaved", .bool(true)),
        ]
        if let endInclusive { request.append(JSONMember("endTime", .int(endInclusive))) }
        if let nextToken { request.append(JSONMember("nextToken", .string(nextToken))) }
        // At most 100 names (TailWindow.maxLateStreams); the token stays valid only with the same names.
        if !streams.isEmpty { request.append(JSONMember("logStreamNames", .array(streams.map { .string($0) }))) }
        let body = try await callRaw("FilterLogEvents", .object(request), logGroup: group.rawValue, priority: priority)
        do {
            let page = try FilterLogEventsDecoder.decode(body)
            eventsRead.withLock { $0[purpose, default: 0] += page.events.count }
            return page
        } catch {
            throw CloudWatchError(operation: "FilterLogEvents", code: "MalformedResponse", message: "\(error)", status: 200, logGroup: group.rawValue)
        }
    }

    /// Events read so far for `purpose`.
    func eventsRead(for purpose: ReadPurpose) -> Int {
        eventsRead.withLock { $0[purpose, default: 0] } + routes.withLock { Array($0.values) }.reduce(0) { $0 + $1.eventsRead(for: purpose) }
    }

    /// Reads a FilterLogEvents response body; `nextToken` may be absent or null on the last page.
    package static func decodeFilterLogEventsPage(_ body: [UInt8]) throws -> LogEventPage {
        try FilterLogEventsDecoder.decode(body)
    }

    /// The retention of `group` in days; nil when its events never expire.
    func retentionDays(group key: GroupKey) async throws -> Int? {
        let (client, group) = route(key)
        if client !== self { return try await client.retentionDays(group: GroupKey(group)) }
        var token: String?
        repeat {
            var request: [JSONMember] = [JSONMember("limit", .int(50)), JSONMember("logGroupNamePrefix", .string(group))]
            if let token { request.append(JSONMember("nextToken", .string(token))) }
            let response = try await call("DescribeLogGroups", .object(request), logGroup: group)
            for entry in response["logGroups"]?.array ?? [] where entry["logGroupName"]?.string == group {
                return entry["retentionInDays"]?.int
            }
            token = response["nextToken"]?.string
        } while token != nil
        return nil
    }

    /// Names of the groups starting with `prefix` (all pages).
    func describeLogGroups(prefix: String?) async throws -> [String] {
        var names: [String] = []
        var token: String?
        repeat {
            var request: [JSONMember] = [JSONMember("limit", .int(50))]
            if let prefix, !prefix.isEmpty { request.append(JSONMember("logGroupNamePrefix", .string(prefix))) }
            if let token { request.append(JSONMember("nextToken", .string(token))) }
            let response = try await call("DescribeLogGroups", .object(request))
            names += (response["logGroups"]?.array ?? []).compactMap { $0["logGroupName"]?.string }
            token = response["nextToken"]?.string
        } while token != nil
        return names
    }
}

/// Why CloudWatch events are read: the tail, history copied by backfill, verification
/// comparing shipped ranges, and repair re-reading a window that differed.
enum ReadPurpose: String, Sendable, CaseIterable {
    case tail, backfill, verification, repair
}
