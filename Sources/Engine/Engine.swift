/// The engine as the command line sees it: built from validated settings, one method per job.
public struct Engine: Sendable {
    public let settings: Settings
    public let environment: [String: String]
    let transport: HTTPTransport

    public init(settings: Settings, environment: [String: String], transport: HTTPTransport = CurlTransport.shared) {
        self.settings = settings
        self.environment = environment
        self.transport = transport
    }

    public var layout: IndexLayout { IndexLayout(prefix: settings.indexPrefix) }

    public var backoff: Backoff { Backoff(baseMillis: settings.backoffBaseMs, maxMillis: settings.backoffMaxMs) }

    public func elasticsearch() -> ElasticsearchClient {
        ElasticsearchClient(settings: settings, transport: transport)
    }

    public func cloudWatch() throws -> CloudWatchLogsClient {
        let (_, region) = try settings.requireCloudWatch()
        return CloudWatchLogsClient(
            transport: transport, endpoint: settings.cloudWatchEndpoint(region: region), region: region,
            credentials: CachedCredentials(CredentialChain(environment: environment)),
            timeoutSeconds: Double(settings.httpTimeoutSecs), backoff: backoff)
    }

    public var deadLetterPath: String {
        FileIO.parentDirectory(of: settings.checkpointPath) + "/dead-letter.ndjson"
    }

    /// Copies `range` of every configured group; returns one report per group.
    public func backfill(range: TimeRange) async throws -> [GroupReport] {
        let (entries, region) = try settings.requireCloudWatch()
        let source = try cloudWatch()
        let groups = try await GroupResolver(source: source).resolve(entries)
        let checkpoints = try CheckpointStore(path: settings.checkpointPath)
        let client = elasticsearch()
        try await ensureReachable(client)
        let bootstrap = Bootstrap(client: client, layout: layout)
        try await bootstrap.ensureTemplate()
        for group in groups { try await bootstrap.ensureGroup(group) }
        let sink = BulkSink(client: client, batchSize: settings.batchSize, maxInFlight: settings.maxInFlight,
                            backoff: backoff, deadLetters: DeadLetterFile(path: deadLetterPath))
        let copier = WindowCopier(source: source, sink: sink, checkpoints: checkpoints, builder: DocumentBuilder(region: region, options: settings.documents), layout: layout)
        Log.info("backfill starting", ("groups", groups.count), ("range", range), ("es", redactedURL(settings.esHost)))
        return await Backfill(copier: copier, checkpoints: checkpoints, layout: layout).run(groups: groups, range: range)
    }

    /// Fails early, with the setting to check, when Elasticsearch cannot be reached.
    func ensureReachable(_ client: ElasticsearchClient) async throws {
        do {
            _ = try await client.json("GET", "/")
        } catch let error as HTTPTransportError {
            throw ConnectionError(message: "cannot reach Elasticsearch at \(redactedURL(settings.esHost)): \(error.message); check ES_HOST and that the cluster is up")
        }
    }
}

public struct ConnectionError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
