/// REST calls to Elasticsearch or OpenSearch with the configured authentication and TLS.
final class ElasticsearchClient: Sendable {
    let baseURL: String
    let transport: HTTPTransport
    let auth: HTTPAuth
    let tls: TLSOptions
    let timeoutSeconds: Double
    /// When a request that met a busy cluster or no answer goes again.
    let retry: RetryPolicy

    init(transport: HTTPTransport, baseURL: String, auth: HTTPAuth, tls: TLSOptions, timeoutSeconds: Double,
                retry: RetryPolicy = .requests(Backoff(baseMillis: 200, maxMillis: 10_000))) {
        self.retry = retry
        self.transport = transport
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.auth = auth
        self.tls = tls
        self.timeoutSeconds = timeoutSeconds
    }

    convenience init(settings: Settings, transport: HTTPTransport) {
        let auth: HTTPAuth
        if let key = settings.esAPIKey {
            auth = .apiKey(key)
        } else if !settings.esUser.isEmpty {
            auth = .basic(user: settings.esUser, password: settings.esPass)
        } else {
            auth = .none
        }
        self.init(
            transport: transport, baseURL: settings.esHost, auth: auth,
            tls: TLSOptions(caBundlePath: settings.esCABundle, verify: settings.esTLSVerify),
            timeoutSeconds: Double(settings.httpTimeoutSecs),
            retry: .requests(Backoff(baseMillis: settings.backoffBaseMs, maxMillis: settings.backoffMaxMs)))
    }

    /// Sends a request and returns the response whatever its status. `contentEncoding`
    /// names how `body` is already encoded (`gzip`). A request that gets no answer, or a
    /// busy one (429, 502, 503, 504), goes again as the retry policy says: every call but
    /// `_bulk` (which retries item by item itself, `retrying: false`) is safe to repeat.
    func send(_ method: String, _ path: String, body: [UInt8] = [], contentType: String = "application/json", contentEncoding: String? = nil,
                     retrying: Bool = true) async throws -> HTTPResponse {
        try await send(method, path, body: body[...], contentType: contentType, contentEncoding: contentEncoding, retrying: retrying)
    }

    func send(_ method: String, _ path: String, body: ArraySlice<UInt8>, contentType: String = "application/json", contentEncoding: String? = nil,
                     retrying: Bool = true) async throws -> HTTPResponse {
        var headers = [HTTPHeader("Content-Type", contentType)]
        if let contentEncoding { headers.append(HTTPHeader("Content-Encoding", contentEncoding)) }
        let request = HTTPRequest(method: method, url: baseURL + path, headers: headers, body: body, auth: auth, tls: tls, timeoutSeconds: timeoutSeconds)
        guard retrying else { return try await transport.send(request) }
        return try await retry.run(giveUp: { last, _, _ in last ?? ElasticsearchError(method: method, path: path, status: 0, type: "retries_exhausted", reason: "no answer") },
                                   retrying: { failure, why, attempt in
            Log.warn(failure == .busy ? "elasticsearch busy, retrying" : "elasticsearch request failed, retrying",
                     ("method", method), ("path", Self.pathOnly(path)), ("error", why), ("attempt", attempt))
        }) {
            let response = try await transport.send(request)
            guard RetryPolicy.isBusy(status: response.status) else { return .done(response) }
            return .again(.busy, because: "HTTP \(response.status)", orGiveUp: response)
        }
    }

    private static func pathOnly(_ path: String) -> String {
        String(path.prefix { $0 != "?" })
    }

    /// Sends a request and parses the JSON answer; error statuses throw `ElasticsearchError`.
    @discardableResult
    func json(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        let response = try await send(method, path, body: body?.serialized ?? [])
        guard (200..<300).contains(response.status) else {
            throw ElasticsearchError.from(response, method: method, path: path)
        }
        if response.body.isEmpty { return .null }
        let answer = try JSONParser().parse(response.body)
        if Self.isRead(path), let failure = Self.shardFailure(in: answer, method: method, path: path) { throw failure }
        return answer
    }

    /// Number of documents matching `query` in `target`.
    func count(_ target: String, query: JSONValue) async throws -> Int {
        let path = "/\(target)/_count"
        guard let count = try await json("POST", path, ["query": query])["count"]?.int else {
            throw ElasticsearchError(method: "POST", path: path, status: 200, type: "protocol_error", reason: "the count answer has no count")
        }
        return count
    }

    /// Searches, counts and scroll pages: the answers whose `_shards` say how much of the
    /// data they cover. (A write's `_shards` counts replicas, which is another matter.)
    private static func isRead(_ path: String) -> Bool {
        let path = pathOnly(path)
        return path.hasSuffix("/_search") || path.hasSuffix("/_count") || path == "/_search/scroll"
    }

    /// An answer some shards did not contribute to: not evidence of what is stored, so an
    /// error (retried later by whoever asked), never a short count or a missing hit.
    static func shardFailure(in answer: JSONValue, method: String, path: String) -> ElasticsearchError? {
        guard let shards = answer["_shards"], let failed = shards["failed"]?.int, failed > 0 else { return nil }
        let total = shards["total"]?.int ?? failed
        let first = shards["failures"]?.array?.first
        let cause = first.map { failure -> String in
            let reason = failure["reason"]
            return "\(reason?["type"]?.string ?? "error") on \(failure["index"]?.string ?? "an index"): \(reason?["reason"]?.string ?? reason?.string ?? "")"
        } ?? "no reason given"
        return ElasticsearchError(method: method, path: pathOnly(path), status: 200, type: "partial_results",
                                  reason: "\(failed) of \(total) shards failed to answer, so the result is incomplete (\(cause)); asked again later")
    }
}
