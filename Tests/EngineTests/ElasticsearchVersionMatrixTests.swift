import Testing
@testable import Engine

/// logstream's start-up and writes against each Elasticsearch version users run
/// (`VersionedCluster.Version.matrix`: 8.13, 8.17, 8.18, 8.19, 9.0, 9.1, Serverless), each
/// refusing what that version refuses per Elastic's own references: every request must be
/// one the version takes, and the data streams, aliases and documents must come out right.
@Suite struct ElasticsearchVersionMatrixTests {
    let layout = IndexLayout(prefix: "cloudwatch")

    static func refused(_ cluster: VersionedCluster) -> [String] {
        cluster.answered.filter { $0.status == 400 || $0.status == 405 }.map { "\($0.method) \($0.path) → \($0.status)" }
    }

    @Test(arguments: VersionedCluster.Version.matrix)
    func startUpAndWritesUseOnlyWhatTheVersionTakes(version: VersionedCluster.Version) async throws {
        let cluster = VersionedCluster(version)
        let client = cluster.client()
        let bootstrap = Bootstrap(client: client, layout: layout)
        try await bootstrap.prepare()
        for group: GroupKey in ["/ecs/web", "/aws/lambda/orders"] { try await bootstrap.ensureGroup(group) }
        #expect(await bootstrap.mode == .dataStreams, "\(version)")
        #expect(Self.refused(cluster).isEmpty, "\(version): \(Self.refused(cluster))")

        let template = try #require(try await client.json("GET", "/_index_template/logstream-cloudwatch")["index_templates"]?.array?.first?["index_template"])
        let offersOptions = VersionedCluster.templateFields(version).template.contains("data_stream_options")
        #expect((template["template"]?["data_stream_options"] != nil) == offersOptions, "\(version): the failure store is switched off where the version can")

        let sink = BulkSink(client: client, limits: BulkLimits(batchSize: 10, inFlight: 1), retry: .bulk(Backoff(baseMillis: 1, maxMillis: 2)),
                            deadLetters: DeadLetterFile(path: "/dev/null"), compress: false)
        let stable = layout.stableName(for: "/ecs/web")
        let events = (0..<3).map { LogEvent(eventId: "e\($0)", timestamp: 1_764_547_200_000 + EpochMillis($0), ingestionTime: nil, message: "m\($0)", logStream: "s") }
        let documents = DocumentBuilder(region: "us-east-1").documents(for: events, logGroup: "/ecs/web", index: stable)
        let outcome = try await sink.write(documents)
        #expect(outcome.created == 3, "\(version): \(outcome)")
        let present = try await PresenceLookup(client: client).existing(in: stable, among: documents.map(\.id))
        #expect(present == Set(documents.map(\.id)), "\(version)")
        #expect(Self.refused(cluster).isEmpty, "\(version): \(Self.refused(cluster))")
    }

    /// The fake holds the versions apart: a 9.0 refuses `data_stream_options` the way
    /// Elasticsearch's parser does, and a start that believes it is talking to 8.19 still
    /// completes there, asking again without it.
    @Test func version90RefusesDataStreamOptionsAndStartStillCompletes() async throws {
        let cluster = VersionedCluster(VersionedCluster.Version(major: 9, minor: 0))
        let believed = ClusterInfo(root: try JSONParser().parse(Array(VersionedCluster.Version(major: 8, minor: 19).root.utf8)))
        let bootstrap = Bootstrap(client: cluster.client(), layout: layout, cluster: believed)
        try await bootstrap.prepare()
        try await bootstrap.ensureGroup("/ecs/web")
        #expect(Self.refused(cluster) == ["PUT /_index_template/logstream-cloudwatch → 400"])
        #expect(await bootstrap.mode == .dataStreams)
    }
}
