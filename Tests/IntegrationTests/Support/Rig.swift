@testable import Engine
import Foundation

/// The real test rig — moto for CloudWatch Logs, osmem-server for Elasticsearch, and an
/// optional fault proxy — on free loopback ports, stopped by PID when the test is done.
/// Started through rig/rig.py, the same script the demo uses.
struct Rig: Sendable {
    let directory: String
    let cloudWatchURL: String
    let elasticsearchURL: String
    /// osmem itself, bypassing the fault proxy.
    let osmemURL: String
    /// The CA that signed the proxy's certificate, when it speaks TLS.
    var caBundle: String?

    /// `esAuth` (`basic:USER:PASS` or `apikey:KEY`) and `esTLS` put a proxy in front of
    /// osmem that demands those credentials or speaks HTTPS, as a secured cluster does.
    /// `esTLSName` issues the proxy's certificate for that name only (a host-name mismatch).
    static func start(esProxy: Bool = false, esAuth: String? = nil, esTLS: Bool = false, esTLSName: String? = nil) async throws -> Rig {
        let directory = ProjectPaths.temporaryDirectory("rig")
        var arguments = [ProjectPaths.rigScript, "up", "--dir", directory, "--parent-pid", String(getpid())]
        if esProxy { arguments.append("--es-proxy") }
        if let esAuth { arguments += ["--es-auth", esAuth] }
        if esTLS { arguments.append("--es-tls") }
        if let esTLSName { arguments += ["--es-tls-name", esTLSName] }
        let result = try await ProcessRunner.run(ProjectPaths.python, arguments)
        guard result.status == 0, let info = result.json else {
            throw ProcessFailure(description: "rig did not start (\(result.status)): \(result.stdout)\(result.stderr)")
        }
        return Rig(directory: directory, cloudWatchURL: info["cloudwatch_url"]?.string ?? "",
                   elasticsearchURL: info["es_url"]?.string ?? "", osmemURL: info["osmem"]?["url"]?.string ?? "",
                   caBundle: info["es_proxy"]?["ca_bundle"]?.string)
    }

    func stop() async {
        _ = try? await ProcessRunner.run(ProjectPaths.python, [ProjectPaths.rigScript, "down", "--dir", directory])
    }

    /// Writes sample events; returns how many each group received.
    /// `region` and `roleArn` (an account other than moto's default, by assuming the role) say where.
    func seed(groups: [String], days: Double, eventsPerGroup: Int, seed: Int = 1, region: String = "us-east-1", roleArn: String = "") async throws -> [String: Int] {
        let result = try await ProcessRunner.run(ProjectPaths.python, [
            ProjectPaths.rigScript, "seed", "--endpoint", cloudWatchURL, "--groups", groups.joined(separator: ","),
            "--days", String(days), "--events", String(eventsPerGroup), "--seed", String(seed), "--region", region, "--role-arn", roleArn,
        ])
        guard result.status == 0, let info = result.json else {
            throw ProcessFailure(description: "seeding failed (\(result.status)): \(result.stderr)")
        }
        var counts: [String: Int] = [:]
        for member in info["groups"]?.members ?? [] { counts[member.key] = member.value.int }
        return counts
    }

    /// The environment a user would set to point logstream at this rig.
    func environment(groups: [String], checkpointPath: String) -> [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": cloudWatchURL,
            "ES_HOST": elasticsearchURL,
            "LOG_GROUPS": groups.joined(separator: ","),
            "CHECKPOINT_PATH": checkpointPath,
        ]
    }

    func elasticsearch() -> ElasticsearchClient {
        ElasticsearchClient(transport: CurlTransport.shared, baseURL: osmemURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 60)
    }

    /// Documents of `group` in Elasticsearch, counted through the index pattern users query.
    func documentCount(group: String, prefix: String = "cloudwatch") async throws -> Int {
        try await elasticsearch().count("\(prefix)-*", query: ["term": ["aws.cloudwatch.log_group": .string(group)]])
    }

    /// Asks the fault proxy to fail the next requests whose path contains `path`.
    func injectElasticsearchFault(_ rule: JSONValue) async throws {
        let client = ElasticsearchClient(transport: CurlTransport.shared, baseURL: elasticsearchURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 10)
        try await client.json("POST", "/_rig/faults", rule)
    }

    /// Removes the fault proxy's rules that have not fired.
    func clearElasticsearchFaults() async throws {
        let client = ElasticsearchClient(transport: CurlTransport.shared, baseURL: elasticsearchURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 10)
        _ = try await client.send("DELETE", "/_rig/faults")
    }

    /// How many CloudWatch faults fired, by kind (the error type, "drop" or "delay").
    func firedCloudWatchFaults() async throws -> [String: Int] {
        let client = ElasticsearchClient(transport: CurlTransport.shared, baseURL: cloudWatchURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 10)
        var fired: [String: Int] = [:]
        for member in try await client.json("GET", "/_rig/fired").members ?? [] { fired[member.key] = member.value.int }
        return fired
    }

    /// How many Elasticsearch faults fired, by kind (not how many were queued).
    func firedElasticsearchFaults() async throws -> [String: Int] {
        let client = ElasticsearchClient(transport: CurlTransport.shared, baseURL: elasticsearchURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 10)
        var fired: [String: Int] = [:]
        for member in try await client.json("GET", "/_rig/fired").members ?? [] { fired[member.key] = member.value.int }
        return fired
    }

    /// Makes the CloudWatch emulator answer Logs Insights count queries (as an account with Insights does), or not.
    func setInsightsStats(_ on: Bool) async throws {
        let client = ElasticsearchClient(transport: CurlTransport.shared, baseURL: cloudWatchURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 10)
        try await client.json("POST", "/_rig/insights", ["stats": .bool(on)])
    }

    /// Asks the CloudWatch emulator to fail the next calls of an operation.
    func injectCloudWatchFault(_ rule: JSONValue) async throws {
        let client = ElasticsearchClient(transport: CurlTransport.shared, baseURL: cloudWatchURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 10)
        try await client.json("POST", "/_rig/faults", rule)
    }
}

extension Rig {
    /// Runs `body` with a fresh rig and stops the rig afterwards, whether `body` succeeded or not;
    /// waits first while `RigSlots` says enough rigs are running.
    static func with<T>(esProxy: Bool = false, esAuth: String? = nil, esTLS: Bool = false, esTLSName: String? = nil,
                        _ body: (Rig) async throws -> T) async throws -> T {
        try await RigSlots.run {
            let rig = try await Rig.start(esProxy: esProxy, esAuth: esAuth, esTLS: esTLS, esTLSName: esTLSName)
            do {
                let value = try await body(rig)
                await rig.stop()
                return value
            } catch {
                await rig.stop()
                throw error
            }
        }
    }
}

extension Rig {
    /// Writes exactly these events to `group` (creating group and streams as needed).
    func put(group: String, events: [(timestamp: EpochMillis, message: String, stream: String)], region: String = "us-east-1", roleArn: String = "") async throws {
        try await put(group: group, payload: .array(events.map { ["timestamp": .int($0.timestamp), "message": .string($0.message), "stream": .string($0.stream)] }),
                      region: region, roleArn: roleArn)
    }

    /// Writes events stamped `offset` milliseconds from the moment their stream's batch is
    /// sent: on-time events arrive as punctually on a loaded machine as on an idle one.
    func put(group: String, stampedAtSend events: [(offset: EpochMillis, message: String, stream: String)]) async throws {
        try await put(group: group, payload: .array(events.map { ["offset_ms": .int($0.offset), "message": .string($0.message), "stream": .string($0.stream)] }))
    }

    private func put(group: String, payload: JSONValue, region: String = "us-east-1", roleArn: String = "") async throws {
        let file = directory + "/put-\(UUID().uuidString.prefix(8)).json"
        try Data(payload.serialized).write(to: URL(fileURLWithPath: file))
        let result = try await ProcessRunner.run(ProjectPaths.python, [ProjectPaths.rigScript, "put", "--endpoint", cloudWatchURL, "--group", group, "--file", file,
                                                                       "--region", region, "--role-arn", roleArn])
        guard result.status == 0 else { throw ProcessFailure(description: "put failed: \(result.stderr)") }
    }

    /// The `_source` of every document of `group`.
    func documents(group: String, prefix: String = "cloudwatch") async throws -> [JSONValue] {
        let response = try await elasticsearch().json("POST", "/\(prefix)-*/_search", [
            "size": 10_000, "query": ["term": ["aws.cloudwatch.log_group": .string(group)]], "sort": [["@timestamp": "asc"]],
        ])
        return (response["hits"]?["hits"]?.array ?? []).compactMap { $0["_source"] }
    }
}

extension Rig {
    /// Runs a rig.py helper that prints one JSON object.
    func helper(_ arguments: [String]) async throws -> JSONValue {
        let result = try await ProcessRunner.run(ProjectPaths.python, [ProjectPaths.rigScript] + arguments)
        guard result.status == 0, let json = result.json else {
            throw ProcessFailure(description: "rig.py \(arguments.first ?? "") failed: \(result.stderr)")
        }
        return json
    }

    /// Starts the fake container/instance credentials endpoint serving these keys.
    func startMetadata(key: String, secret: String, token: String? = nil, expiresIn: Int = 3600, authToken: String? = nil,
                       ssoToken: String? = nil) async throws -> String {
        var arguments = ["metadata", "--dir", directory + "/metadata-\(UUID().uuidString.prefix(6))", "--parent-pid", String(getpid()), "--",
                         "--key", key, "--secret", secret, "--expires-in", String(expiresIn)]
        if let token { arguments += ["--token", token] }
        if let authToken { arguments += ["--auth-token", authToken] }
        if let ssoToken { arguments += ["--sso-token", ssoToken] }
        return try await helper(arguments)["url"]?.string ?? ""
    }
}

extension Rig {
    /// The rig's account as the tests sign for it.
    var testingCredentials: CredentialChain { CredentialChain(environment: ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"]) }

    /// A Kinesis client of the rig's moto, patient enough for its per-shard read limits.
    func kinesisClient() -> KinesisClient {
        KinesisClient(transport: CurlTransport.shared, endpoint: cloudWatchURL, region: "us-east-1", credentials: testingCredentials,
                      timeoutSeconds: 10, retry: .cloudWatch(Backoff(baseMillis: 200, maxMillis: 1_000)))
    }

    /// A CloudWatch Logs client of the rig's moto.
    func cloudWatchClient() -> CloudWatchLogsClient {
        CloudWatchLogsClient(transport: CurlTransport.shared, endpoint: cloudWatchURL, region: "us-east-1", credentials: testingCredentials,
                             timeoutSeconds: 10, retry: .cloudWatch(Backoff(baseMillis: 10, maxMillis: 100)), budget: RequestBudget(ratePerSecond: 100))
    }
}
