import Foundation
import Synchronization
import Testing
@testable import Engine

/// Data-stream mode against Elasticsearch's own contract. The rig's engine has no data
/// streams, so these drive the real client code against answers whose shapes are taken
/// from Elasticsearch's REST API reference and its YAML REST tests (each fixture names the
/// file it follows; paths are under `modules/data-streams/src/yamlRestTest/resources/
/// rest-api-spec/test/data_stream/` unless they say otherwise).
@Suite struct DataStreamContractTests {
    let layout = IndexLayout(prefix: "cloudwatch")

    // `GET /` of Elasticsearch 8.13 and of Elastic Cloud Serverless (whose root reports
    // `build_flavor: serverless`, as in Elastic's Serverless connection guide).
    static let root8 = #"{"name":"node-1","cluster_name":"es","version":{"number":"8.13.4","build_flavor":"default","build_type":"docker","lucene_version":"9.10.0"},"tagline":"You Know, for Search"}"#
    static let root819 = #"{"name":"node-1","cluster_name":"es","version":{"number":"8.19.2","build_flavor":"default","build_type":"docker"},"tagline":"You Know, for Search"}"#
    static let rootServerless = #"{"name":"serverless","cluster_name":"abc","version":{"number":"8.11.0","build_flavor":"serverless","build_type":"docker","build_hash":"00000000","build_date":"2023-10-31","build_snapshot":false,"lucene_version":"9.7.0"},"tagline":"You Know, for Search"}"#

    // 80_resolve_index_data_streams.yml: `indices` (with `data_stream` for backing
    // indices), `aliases` with their `indices`, `data_streams` with `backing_indices`.
    static let resolveEmpty = #"{"indices":[],"aliases":[],"data_streams":[]}"#
    static let resolvePlain = #"{"indices":[{"name":"cloudwatch-ecs-web-v1","aliases":["cloudwatch-ecs-web"],"attributes":["open"]}],"aliases":[{"name":"cloudwatch-ecs-web","indices":["cloudwatch-ecs-web-v1"]}],"data_streams":[]}"#
    static let resolveNestedPrefix = #"{"indices":[{"name":"cloudwatch-prod-api-v1","aliases":["cloudwatch-prod-api"],"attributes":["open"]}],"aliases":[{"name":"cloudwatch-prod-api","indices":["cloudwatch-prod-api-v1"]}],"data_streams":[]}"#
    // indices.simulate_index_template/10_basic.yml (rest-api-spec/src/yamlRestTest/…):
    // the winner's `template`, and `overlapping` for templates that matched but lost.
    static let simulateOurs = #"{"template":{"settings":{"index":{"number_of_shards":"1"}},"mappings":{"properties":{"@timestamp":{"type":"date"}}},"aliases":{}},"overlapping":[]}"#
    static let simulateShadowed = #"{"template":{"settings":{},"mappings":{},"aliases":{}},"overlapping":[{"name":"logstream-cloudwatch","index_patterns":["cloudwatch-*-v1","cloudwatch-*-v2"]}]}"#
    static let acknowledged = #"{"acknowledged":true}"#

    func bootstrapScript(root: String, resolve: String, templates: String = #"{"index_templates":[]}"#) -> [ScriptedCluster.Answer] {
        [
            ("GET", "/_index_template/", 200, templates),
            ("GET", "/_resolve/index/", 200, resolve),
            ("GET", "/_alias/", 404, #"{"error":"alias [cloudwatch-ecs-api] missing","status":404}"#),
            ("GET", "/", 200, root),
            ("PUT", "/_index_template/", 200, Self.acknowledged),
            ("POST", "/_index_template/_simulate_index/", 200, Self.simulateOurs),
            ("PUT", "/_data_stream/", 200, Self.acknowledged),
            ("PUT", "/cloudwatch-", 200, #"{"acknowledged":true,"shards_acknowledged":true,"index":"cloudwatch-ecs-api-v1"}"#),
            ("POST", "/_aliases", 200, Self.acknowledged),
        ]
    }

    func shapes(_ cluster: ScriptedCluster) -> [String] {
        cluster.requests.filter { $0.method != "GET" }.map { "\($0.method) \($0.path)" }
    }

    // MARK: bootstrap

    @Test func aFreshClusterGetsDataStreamsBehindTheStableAlias() async throws {
        let cluster = ScriptedCluster(bootstrapScript(root: Self.root8, resolve: Self.resolveEmpty))
        let bootstrap = Bootstrap(client: cluster.client(), layout: layout)
        try await bootstrap.prepare()
        try await bootstrap.ensureGroup("/ecs/api")
        #expect(await bootstrap.mode == .dataStreams)
        #expect(shapes(cluster) == [
            "PUT /_index_template/logstream-cloudwatch", "POST /_index_template/_simulate_index/cloudwatch-logstream-template-check-v1",
            "HEAD /cloudwatch-ecs-api", "POST /_index_template/_simulate_index/cloudwatch-ecs-api-v1", "PUT /_data_stream/cloudwatch-ecs-api-v1", "POST /_aliases",
        ])
        let template = try #require(cluster.requests.first { $0.method == "PUT" && $0.path.hasPrefix("/_index_template/") }?.body)
        // Index template reference: a data stream needs `data_stream: {}` in its matching template.
        #expect(template["data_stream"] == .object([]))
        #expect(template["index_patterns"] == ["cloudwatch-*-v1", "cloudwatch-*-v2"])
        #expect(template["priority"]?.int == 200 + "cloudwatch".count)
        // 8.13 has no data_stream_options; an unknown key would fail the whole template.
        #expect(template["template"]?["data_stream_options"] == nil)
        // 140_data_stream_aliases.yml: `add` with the data stream as `index`.
        #expect(cluster.requests.last?.body == ["actions": [["add": ["index": "cloudwatch-ecs-api-v1", "alias": "cloudwatch-ecs-api", "is_write_index": true]]]])
    }

    /// Defect 1: a cluster upgraded past 7.14 (or run earlier in alias mode) holds plain
    /// `-v1` targets; before, the version alone chose data streams, the data-stream template
    /// was installed over them and new groups became data streams beside plain indices.
    @Test func aClusterHoldingPlainTargetsKeepsPlainIndicesForNewGroups() async throws {
        let cluster = ScriptedCluster(bootstrapScript(root: Self.root8, resolve: Self.resolvePlain))
        let bootstrap = Bootstrap(client: cluster.client(), layout: layout)
        try await bootstrap.prepare()
        try await bootstrap.ensureGroup("/ecs/api")
        #expect(await bootstrap.mode == .aliases)
        #expect(cluster.requests.contains { $0.path.hasPrefix("/_resolve/index/cloudwatch-*") && $0.path.contains("expand_wildcards=all") })
        let template = try #require(cluster.requests.first { $0.method == "PUT" && $0.path.hasPrefix("/_index_template/") }?.body)
        #expect(template["data_stream"] == nil)
        #expect(!shapes(cluster).contains { $0.hasPrefix("PUT /_data_stream/") })
        #expect(shapes(cluster).contains("PUT /cloudwatch-ecs-api-v1"))
    }

    /// Another logstream deployment's prefix nested in this one (`cloudwatch-prod`) is not
    /// evidence about this prefix.
    @Test func targetsOfANestedPrefixDoNotDecideThisPrefixsMode() async throws {
        let templates = #"{"index_templates":[{"name":"logstream-cloudwatch-prod","index_template":{"index_patterns":["cloudwatch-prod-*-v1","cloudwatch-prod-*-v2"],"priority":215,"_meta":{"managed_by":"logstream"}}}]}"#
        let cluster = ScriptedCluster(bootstrapScript(root: Self.root8, resolve: Self.resolveNestedPrefix, templates: templates))
        let bootstrap = Bootstrap(client: cluster.client(), layout: layout)
        try await bootstrap.prepare()
        #expect(await bootstrap.mode == .dataStreams)
    }

    @Test func serverlessGetsNoShardSettingsAndNoRefreshBelowFiveSeconds() async throws {
        let cluster = ScriptedCluster(bootstrapScript(root: Self.rootServerless, resolve: Self.resolveEmpty) + [
            ("PUT", "/cloudwatch-logstream-state", 200, #"{"acknowledged":true,"shards_acknowledged":true,"index":"cloudwatch-logstream-state"}"#),
            ("PUT", "/cloudwatch-", 200, Self.acknowledged),
        ])
        let bootstrap = Bootstrap(client: cluster.client(), layout: layout)
        try await bootstrap.prepare()
        let info = try #require(await bootstrap.cluster)
        #expect(info.isServerless && StorageMode.preferred(for: info) == .dataStreams)

        try await LeaseStore(client: cluster.client(), layout: layout, serverless: info.isServerless).ensureIndex()
        let state = try #require(cluster.requests.last { $0.path == "/cloudwatch-logstream-state" }?.body)
        #expect(state["settings"]?["index"]?["number_of_shards"] == nil)
        #expect(state["settings"]?["index"]?["hidden"] == .bool(true))

        let tuner = RefreshTuner(client: cluster.client(), layout: layout, hotInterval: "1s", coldInterval: "30s", coldAgeDays: 7, cluster: info)
        try await tuner.apply([RefreshTuner.Decision(index: ".ds-cloudwatch-ecs-api-v1-2026.11.30-000001", newest: 0, hot: true, current: "5s", target: tuner.hotInterval)])
        #expect(tuner.hotInterval == "5s" && tuner.coldInterval == "30s")
        #expect(!cluster.requests.contains { $0.path.hasSuffix("/_settings") }, "5s is what it has already: nothing to change every cycle")
        #expect(RefreshTuner.atLeast(5, "500ms") == "5s" && RefreshTuner.atLeast(5, "-1") == "-1" && RefreshTuner.atLeast(5, "1m") == "1m")
    }

    /// Defect 5: 220_failure_store_cluster_setting.yml — `data_stream_options.failure_store.enabled:
    /// false` in the template wins over the cluster setting that would turn it on.
    @Test func fromVersion819TheTemplateSwitchesTheFailureStoreOff() async throws {
        let cluster = ScriptedCluster(bootstrapScript(root: Self.root819, resolve: Self.resolveEmpty))
        try await Bootstrap(client: cluster.client(), layout: layout).prepare()
        let template = try #require(cluster.requests.first { $0.method == "PUT" && $0.path.hasPrefix("/_index_template/") }?.body)
        #expect(template["template"]?["data_stream_options"] == ["failure_store": ["enabled": false]])
    }

    /// 9.0 has no `data_stream_options` in index templates (the elasticsearch-specification's
    /// `IndexTemplateMapping` gains it in 8.19 and 9.1): an unknown field fails the template.
    @Test func version90GetsNoDataStreamOptions() async throws {
        let root90 = #"{"name":"node-1","cluster_name":"es","version":{"number":"9.0.3","build_flavor":"default","build_type":"docker"},"tagline":"You Know, for Search"}"#
        let cluster = ScriptedCluster(bootstrapScript(root: root90, resolve: Self.resolveEmpty))
        try await Bootstrap(client: cluster.client(), layout: layout).prepare()
        let template = try #require(cluster.requests.first { $0.method == "PUT" && $0.path.hasPrefix("/_index_template/") }?.body)
        #expect(template["template"]?["data_stream_options"] == nil)
        #expect(ClusterInfo(root: try JSONParser().parse(Array(root90.utf8))).offersFailureStoreOptions == false)
    }

    /// A cluster that refuses `data_stream_options` names the field only in `caused_by` and
    /// `root_cause` — the top reason is "[index_template] failed to parse field [template]"
    /// (the shape of Elasticsearch's ObjectParser refusals, e.g. elastic/elasticsearch#99767) —
    /// and start-up must still succeed, asking again without it.
    @Test func aRefusalNamingTheOptionOnlyInItsCauseIsAskedAgainWithoutIt() async throws {
        let refusal = #"{"error":{"root_cause":[{"type":"x_content_parse_exception","reason":"[1:402] [template] unknown field [data_stream_options]"}],"type":"x_content_parse_exception","reason":"[1:415] [index_template] failed to parse field [template]","caused_by":{"type":"x_content_parse_exception","reason":"[1:402] [template] unknown field [data_stream_options]"}},"status":400}"#
        var script = bootstrapScript(root: Self.root819, resolve: Self.resolveEmpty)
        let put = try #require(script.firstIndex { $0.method == "PUT" && $0.path == "/_index_template/" })
        script.insert(("PUT", "/_index_template/", 400, refusal), at: put)
        let cluster = ScriptedCluster(script)
        try await Bootstrap(client: cluster.client(), layout: layout).prepare()
        let puts = cluster.requests.filter { $0.method == "PUT" && $0.path.hasPrefix("/_index_template/") }
        #expect(puts.count == 2)
        #expect(puts.first?.body?["template"]?["data_stream_options"] != nil)
        #expect(puts.last?.body?["template"]?["data_stream_options"] == nil)
        let error = ElasticsearchError.from(HTTPResponse(status: 400, body: Array(refusal.utf8)), method: "PUT", path: "/_index_template/x")
        #expect("\(error)".contains("caused by: [1:402] [template] unknown field [data_stream_options]"), "the log should name the refused field")
    }

    /// Defect 7: a user's (or Fleet's) template of higher priority over our names means new
    /// targets get its mappings, silently; now it is an error naming that template.
    @Test func aTemplateOfHigherPriorityGoverningOurNamesIsAnError() async throws {
        var script = bootstrapScript(root: Self.root8, resolve: Self.resolveEmpty)
        script.insert(("POST", "/_index_template/_simulate_index/", 200, Self.simulateShadowed), at: 0)
        script.insert(("GET", "/_index_template", 200,
                       #"{"index_templates":[{"name":"logs-everything","index_template":{"index_patterns":["cloud*"],"priority":500,"data_stream":{}}},{"name":"logstream-cloudwatch","index_template":{"index_patterns":["cloudwatch-*-v1"],"priority":210}}]}"#), at: 1)
        let cluster = ScriptedCluster(script)
        let bootstrap = Bootstrap(client: cluster.client(), layout: layout, priority: nil)
        let error = await #expect(throws: ElasticsearchError.self) { try await bootstrap.prepare() }
        #expect(error?.reason.contains("logs-everything (priority 500)") == true)
        #expect(error?.reason.contains("ES_TEMPLATE_PRIORITY") == true)
    }

    @Test func theTemplatePriorityIsASetting() async throws {
        let cluster = ScriptedCluster(bootstrapScript(root: Self.root8, resolve: Self.resolveEmpty))
        try await Bootstrap(client: cluster.client(), layout: layout, priority: 777).prepare()
        let template = try #require(cluster.requests.first { $0.method == "PUT" && $0.path.hasPrefix("/_index_template/") }?.body)
        #expect(template["priority"]?.int == 777)
        #expect(IndexTemplate.defaultPriority(for: IndexLayout(prefix: "cloudwatch-prod")) > IndexTemplate.defaultPriority(for: layout))
    }

    // MARK: bulk item shapes

    // Bulk API reference (created, and a `create` of an existing id: 409
    // version_conflict_engine_exception) and 190_failure_store_redirection.yml (a refused
    // document answered 201 with `failure_store: used` and `_index: .fs-…`).
    static let bulkAnswer = #"""
    {"took":3,"errors":true,"items":[
    {"create":{"_index":".ds-cloudwatch-g-v1-2026.11.30-000001","_id":"a","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}},
    {"create":{"_index":".ds-cloudwatch-g-v1-2026.11.30-000001","_id":"b","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[b]: version conflict, document already exists (current version [1])","index_uuid":"u","shard":"0","index":".ds-cloudwatch-g-v1-2026.11.30-000001"}}},
    {"create":{"_index":".fs-cloudwatch-g-v1-2026.11.30-000002","_id":"c","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"failure_store":"used","status":201}}
    ]}
    """#

    @Test func bulkItemsCreatedDuplicateAndFailureStore() throws {
        let items = try BulkResponseParser.items(from: Array(Self.bulkAnswer.utf8))
        #expect(items.map(\.outcome) == [.created, .alreadyPresent, .rejected])
        #expect(items[2].failureStore == "used")
    }

    /// Defect 5: before, a document put in the failure store counted as created; the safe
    /// form never ran and reconcile re-shipped it every round.
    @Test func aDocumentPutInTheFailureStoreIsStoredInTheSafeForm() async throws {
        let usedThenCreated = [
            #"{"took":1,"errors":false,"items":[{"create":{"_index":".fs-cloudwatch-g-v1-2026.11.30-000002","_id":"c","_version":1,"result":"created","failure_store":"used","status":201}}]}"#,
            #"{"took":1,"errors":false,"items":[{"create":{"_index":".ds-cloudwatch-g-v1-2026.11.30-000001","_id":"c","_version":1,"result":"created","status":201}}]}"#,
        ]
        let cluster = ScriptedCluster(usedThenCreated.map { ("POST", "/_bulk", 200, $0) })
        let sink = BulkSink(client: cluster.client(), limits: BulkLimits(batchSize: 10, inFlight: 1), retry: .bulk(Backoff(baseMillis: 1, maxMillis: 2)),
                            deadLetters: DeadLetterFile(path: "/dev/null"), compress: false)
        let document = LogDocument(id: "c", index: "cloudwatch-g", logGroup: "/g", timestamp: 0,
                                   source: Array(#"{"@timestamp":"2026-11-30T00:00:00.000Z","message":"m","json":{"count":"invalid value"}}"#.utf8), viaAlias: true)
        let outcome = try await sink.write([document], priority: .normal)
        #expect(outcome.rewritten == 1 && outcome.created == 1 && outcome.deadLettered == 0)
        let resent = try #require(cluster.requests.last?.text)
        #expect(resent.contains("\"conflicts\"") && resent.contains("invalid value"))
    }

    /// Defect 8: writes through a vanished alias must not create a plain index named like it.
    /// Bulk API reference: `require_alias` per action; Elasticsearch's `hasAlias` counts data
    /// stream aliases (ProjectMetadata), and the refusal is index_not_found (404).
    @Test func writesToTheStableNameRequireItToBeAnAlias() throws {
        let built = DocumentBuilder(region: "r").documents(for: [LogEvent(eventId: "e1", timestamp: 0, ingestionTime: nil, message: "m", logStream: "s")],
                                                           logGroup: "/g", index: "cloudwatch-g")
        let action = String(decoding: BulkSink.body(for: built), as: UTF8.self).split(separator: "\n")[0]
        #expect(action.contains(#""_index":"cloudwatch-g","require_alias":true"#))
        // Heal writes to a concrete standby: no alias there.
        let copy = LogDocument(id: "x", index: "cloudwatch-g-v2", logGroup: "/g", timestamp: 0, source: Array("{}".utf8))
        #expect(!String(decoding: BulkSink.body(for: [copy]), as: UTF8.self).contains("require_alias"))
        let refused = try BulkResponseParser.items(from: Array(#"{"took":1,"errors":true,"items":[{"create":{"_index":"cloudwatch-g","_id":"x","status":404,"error":{"type":"index_not_found_exception","reason":"[require_alias] request flag is [true] and [cloudwatch-g] is not an alias","index":"cloudwatch-g"}}}]}"#.utf8))
        #expect(refused.map(\.outcome) == [.blocked])
    }

    // MARK: presence

    /// Defect 6: `_search` sees only refreshed documents, and copies of one id could fill the
    /// page and hide another id that is there (which was then sent again: a duplicate).
    @Test func presenceRefreshesFirstAndDuplicatesCannotHideAnId() async throws {
        // Search API reference: `hits.total.value` counts every hit, `hits.hits` holds a page.
        let cluster = ScriptedCluster(handler: { request in
            if request.path.hasPrefix("/cloudwatch-g/_refresh") { return (200, #"{"_shards":{"total":2,"successful":1,"failed":0}}"#) }
            guard request.path.hasPrefix("/cloudwatch-g/_search"), let ids = request.body?["query"]?["ids"]?["values"]?.array else { return nil }
            func hit(_ id: String, _ index: String) -> String { #"{"_index":"\#(index)","_id":"\#(id)","_score":1.0}"# }
            let names = ids.compactMap(\.string)
            var all: [String] = []
            if names.contains("a") { all += [hit("a", ".ds-cloudwatch-g-v1-2026.11.29-000001"), hit("a", ".ds-cloudwatch-g-v1-2026.11.30-000002")] }
            if names.contains("b") { all.append(hit("b", ".ds-cloudwatch-g-v1-2026.11.30-000002")) }
            let size = request.body?["size"]?.int ?? 10
            let page = all.prefix(size)
            return (200, #"{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":\#(all.count),"relation":"eq"},"max_score":1.0,"hits":[\#(page.joined(separator: ","))]}}"#)
        })
        let lookup = PresenceLookup(client: cluster.client(), pageSize: 2)
        #expect(try await lookup.existing(in: "cloudwatch-g", among: ["a", "b", "z"]) == ["a", "b"])
        #expect(cluster.requests.first?.path.hasPrefix("/cloudwatch-g/_refresh") == true)
        _ = try await lookup.existing(in: "cloudwatch-g", among: ["b"])
        #expect(cluster.requests.filter { $0.path.contains("_refresh") }.count == 1, "refreshed once per target")

        // Taken over from another instance, which may have written since: the tail forgets
        // the group, and its first lookup refreshes the target again.
        let sink = BulkSink(client: cluster.client(), limits: BulkLimits(batchSize: 10, inFlight: 1), retry: .bulk(Backoff(baseMillis: 1, maxMillis: 2)),
                            deadLetters: DeadLetterFile(path: "/dev/null"))
        let tail = Tail(pages: PageLoop(source: ScriptedCloudWatch([]).client(), sink: sink, builder: DocumentBuilder(region: "r"), layout: layout),
                        checkpoints: try CheckpointStore(path: NSTemporaryDirectory() + "logstream-test-\(UUID().uuidString).json"), window: TailWindow(minOverlap: 60_000, maxOverlap: 900_000),
                        shutdown: ShutdownSignal(), presence: lookup)
        await tail.forget("/g")
        _ = try await lookup.existing(in: "cloudwatch-g", among: ["b"])
        #expect(cluster.requests.filter { $0.path.contains("_refresh") }.count == 2, "the first lookup after a hand-over refreshes again")
    }

    // MARK: reconcile's keep rule

    @Test(arguments: [
        (".ds-cloudwatch-g-v1-2026.11.30-000001", "cloudwatch-g-v1", false),
        (".ds-cloudwatch-g-v1-000001", "cloudwatch-g-v1", false),
        (".fs-cloudwatch-g-v1-2026.11.30-000002", "cloudwatch-g-v1", true),
        (".ds-logs-2024.01.01-2026.11.30-000003", "logs-2024.01.01", false),
    ])
    func backingIndexNames(index: String, dataStream: String, failureStore: Bool) throws {
        let name = try #require(BackingIndexName(index))
        #expect(name.dataStream == dataStream && name.failureStore == failureStore)
    }

    /// Defect 2: with two copies of one event — one in the group's own data stream, one in
    /// another group's stream whose name starts like it (`/g-v1/log` → `cloudwatch-g-v1-log`)
    /// — the prefix test kept the other group's copy and deleted the group's own. Searches
    /// now reach only the group's own targets (`cloudwatch-g-v1,cloudwatch-g-v2`), so the other
    /// group's stream is never read; of two copies in its own targets (heal interrupted) the
    /// one in the write data stream is kept.
    @Test func reconcileKeepsTheCopyInTheGroupsOwnWriteDataStream() async throws {
        let minute: EpochMillis = 1_764_460_800_000
        let event = #"{"events":[{"eventId":"e1","timestamp":\#(minute + 1000),"message":"m","logStreamName":"s","ingestionTime":\#(minute + 2000)}],"searchedLogStreams":[]}"#
        let cloudWatch = ScriptedCloudWatch([(200, nil, event)])
        let id = DocumentID.make(logGroup: "/g", eventId: "e1")
        let checksum = DocumentID.checksum(logGroup: "/g", eventId: "e1")
        let foreign = ".ds-cloudwatch-g-v2-2026.11.30-000001"
        let own = ".ds-cloudwatch-g-v1-2026.11.30-000002"
        let deleted = Mutex(false)
        let cluster = ScriptedCluster(handler: { request in
            if request.path.hasPrefix("/_alias/cloudwatch-g") {
                // 140_data_stream_aliases.yml: GET _alias is keyed by data stream.
                return (200, #"{"cloudwatch-g-v1":{"aliases":{"cloudwatch-g":{"is_write_index":true}}}}"#)
            }
            if request.path.hasPrefix("/_bulk") {
                deleted.withLock { $0 = true }
                return (200, #"{"took":1,"errors":false,"items":[{"delete":{"_index":"\#(foreign)","_id":"\#(id)","_version":2,"result":"deleted","status":200}}]}"#)
            }
            if request.path.hasPrefix("/cloudwatch-g-v1,cloudwatch-g-v2/_refresh") { return (200, #"{"_shards":{"total":1,"successful":1,"failed":0}}"#) }
            guard request.path.hasPrefix("/cloudwatch-g-v1,cloudwatch-g-v2/_search") else { return nil }
            let copies = deleted.withLock { $0 } ? 1 : 2
            if request.body?["sort"] != nil {
                let hits = [foreign, own].map { #"{"_index":"\#($0)","_id":"\#(id)","_score":null,"sort":[\#(minute + 1000),"e1","\#($0)"]}"# }
                return (200, #"{"took":1,"timed_out":false,"_shards":{"total":2,"successful":2,"skipped":0,"failed":0},"hits":{"total":{"value":2,"relation":"eq"},"max_score":null,"hits":[\#(hits.joined(separator: ","))]}}"#)
            }
            return (200, #"{"took":1,"timed_out":false,"_shards":{"total":2,"successful":2,"skipped":0,"failed":0},"hits":{"total":{"value":\#(copies),"relation":"eq"},"max_score":null,"hits":[]},"aggregations":{"hash":{"value":\#(Double(checksum) * Double(copies))}}}"#)
        })
        let layout = self.layout
        let sink = BulkSink(client: cluster.client(), limits: BulkLimits(batchSize: 10, inFlight: 1), retry: .bulk(Backoff(baseMillis: 1, maxMillis: 2)),
                            deadLetters: DeadLetterFile(path: "/dev/null"))
        let queries = QueryCounter()
        let reconciler = Reconciler(pages: PageLoop(source: cloudWatch.client(), sink: sink, builder: DocumentBuilder(region: "r"), layout: layout),
                                    elasticsearch: ElasticsearchWindows(client: cluster.client(), layout: layout, queries: queries, defaultSource: SourceIdentity(region: "r")), queries: queries, options: ReconcileOptions(counts: .events))
        let report = await reconciler.reconcile(group: "/g", range: TimeRange(start: minute, end: minute + 60_000), retentionDays: nil)
        #expect(report.error == nil && report.duplicatesRemoved == 1)
        let delete = try #require(cluster.requests.first { $0.path.hasPrefix("/_bulk") }?.text)
        #expect(delete.contains(foreign) && !delete.contains(own), "the group's own write data stream keeps its copy")
    }

    /// Defect 3: while heal copies a group, `{prefix}-*` shows every document twice (the
    /// standby data stream cannot be hidden), so reconcile must not compare that group.
    @Test func reconcileSkipsAGroupWhileAnotherProcessHealsIt() async throws {
        let future = WallClock.nowMillis() + 600_000
        // Get API reference: `found`, `_seq_no`, `_primary_term`, `_source`.
        let cluster = ScriptedCluster(handler: { request in
            guard request.method == "GET", request.path.hasPrefix("/cloudwatch-logstream-state/_doc/moving-") else { return nil }
            return (200, #"{"_index":"cloudwatch-logstream-state","_id":"x","_version":1,"_seq_no":3,"_primary_term":1,"found":true,"_source":{"kind":"moving","group":"cloudwatch-g","owner":"host-b","work":"heal","expires_at":\#(future)}}"#)
        })
        let cloudWatch = ScriptedCloudWatch([ScriptedCloudWatch.emptyPage])
        let layout = self.layout
        let queries = QueryCounter()
        let sink = BulkSink(client: cluster.client(), limits: BulkLimits(batchSize: 10, inFlight: 1), retry: .bulk(Backoff(baseMillis: 1, maxMillis: 2)),
                            deadLetters: DeadLetterFile(path: "/dev/null"))
        let reconciler = Reconciler(pages: PageLoop(source: cloudWatch.client(), sink: sink, builder: DocumentBuilder(region: "r"), layout: layout),
                                    elasticsearch: ElasticsearchWindows(client: cluster.client(), layout: layout, queries: queries, defaultSource: SourceIdentity(region: "r")), queries: queries, options: ReconcileOptions(counts: .events),
                                    claims: MoveClaims(client: cluster.client(), layout: layout, owner: "host-a"))
        let report = await reconciler.reconcile(group: "/g", range: TimeRange(start: 0, end: 3_600_000), retentionDays: nil)
        #expect(report.skipped?.contains("host-b") == true && report.stoppedEarly && !report.consistent)
        #expect(cloudWatch.requests == 0 && !cluster.requests.contains { $0.path.contains("_search") })
    }

    // MARK: heal on a data stream

    /// The alias swap and the data stream's deletion in a heal of `cloudwatch-g-v1` (a data
    /// stream) into `cloudwatch-g-v2`: get data stream (10_basic.yml), alias actions with the
    /// data streams as `index` (140_data_stream_aliases.yml), and `DELETE /_data_stream/…`
    /// (a data stream is not deleted with the index API).
    /// A cluster holding the data stream `cloudwatch-g-v1` with one document, behind the stable
    /// alias `cloudwatch-g` unless `aliasMissing`; where the alias is missing, a `remove` of it
    /// is refused as Elasticsearch refuses it (404 `aliases_not_found_exception`).
    func healCluster(aliasMissing: Bool = false) -> ScriptedCluster {
        let calls = Mutex<[String: Int]>([:])
        let doc = #"{"_index":".ds-cloudwatch-g-v1-2026.11.30-000001","_id":"d1","_score":null,"_source":{"@timestamp":"2026-11-30T00:00:00.000Z","message":"m","aws":{"cloudwatch":{"log_group":"/g"}}},"sort":[0]}"#
        @Sendable func hits(_ items: [String], total: Int? = nil, scroll: String? = nil) -> String {
            let scrollPart = scroll.map { #""_scroll_id":"\#($0)","# } ?? ""
            return #"{\#(scrollPart)"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":\#(total ?? items.count),"relation":"eq"},"max_score":null,"hits":[\#(items.joined(separator: ","))]}}"#
        }
        return ScriptedCluster(handler: { request in
            let key = "\(request.method) \(request.path)"
            let turn = calls.withLock { counts -> Int in
                counts[key, default: 0] += 1
                return counts[key]!
            }
            switch (request.method, request.path) {
            case ("GET", "/_data_stream/cloudwatch-g-v1"):
                return (200, #"{"data_streams":[{"name":"cloudwatch-g-v1","timestamp_field":{"name":"@timestamp"},"indices":[{"index_name":".ds-cloudwatch-g-v1-2026.11.30-000001","index_uuid":"u"}],"generation":1,"status":"GREEN","template":"logstream-cloudwatch","hidden":false}]}"#)
            case ("GET", "/_alias/cloudwatch-g"):
                if aliasMissing { return (404, #"{"error":"alias [cloudwatch-g] missing","status":404}"#) }
                return (200, #"{"cloudwatch-g-v1":{"aliases":{"cloudwatch-g":{"is_write_index":true}}}}"#)
            case ("POST", "/_aliases") where aliasMissing && request.text.contains("remove"):
                return (404, #"{"error":{"root_cause":[{"type":"aliases_not_found_exception","reason":"aliases [cloudwatch-g] missing","resource.type":"aliases","resource.id":"cloudwatch-g"}],"type":"aliases_not_found_exception","reason":"aliases [cloudwatch-g] missing","resource.type":"aliases","resource.id":"cloudwatch-g"},"status":404}"#)
            case ("HEAD", "/cloudwatch-g-v2"): return (404, "")
            case ("HEAD", "/cloudwatch-g-v1"): return (200, "")
            case ("PUT", "/_data_stream/cloudwatch-g-v2"), ("POST", "/_aliases"), ("DELETE", "/_data_stream/cloudwatch-g-v1"), ("DELETE", "/_search/scroll"):
                return (200, #"{"acknowledged":true}"#)
            case ("POST", "/cloudwatch-g-v1/_search?scroll=5m"): return (200, hits([doc], scroll: "s\(turn)"))
            case ("POST", "/_search/scroll"): return (200, hits([], total: 1, scroll: "s"))
            case ("POST", "/cloudwatch-g-v1/_refresh"), ("POST", "/cloudwatch-g-v2/_refresh?ignore_unavailable=true&allow_no_indices=true"):
                return (200, #"{"_shards":{"total":1,"successful":1,"failed":0}}"#)
            case ("POST", "/cloudwatch-g-v2/_search?ignore_unavailable=true&allow_no_indices=true"):
                // Not there before the first copy; there for the check after the switch.
                return (200, turn == 1 ? hits([]) : hits([#"{"_index":".ds-cloudwatch-g-v2-2026.11.30-000001","_id":"d1","_score":1.0}"#]))
            case ("POST", "/_bulk"):
                return (200, #"{"took":1,"errors":false,"items":[{"create":{"_index":".ds-cloudwatch-g-v2-2026.11.30-000001","_id":"d1","_version":1,"result":"created","status":201}}]}"#)
            case ("POST", "/cloudwatch-g-v1/_count"):
                return (200, #"{"count":1,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}"#)
            default:
                return nil
            }
        })
    }

    /// Heal's rebuild of `cloudwatch-g-v1` into `-v2` in `cluster`.
    func rebuildGroupG(in cluster: ScriptedCluster) async throws -> TargetRebuilder.Result {
        let client = cluster.client()
        let sink = BulkSink(client: client, limits: BulkLimits(batchSize: 10, inFlight: 1), retry: .bulk(Backoff(baseMillis: 1, maxMillis: 2)),
                            deadLetters: DeadLetterFile(path: "/dev/null"), compress: false)
        let rebuild = TargetRebuild(stable: "cloudwatch-g", from: "cloudwatch-g-v1", to: "cloudwatch-g-v2", indices: [".ds-cloudwatch-g-v1-2026.11.30-000001"], fields: ["json.status"])
        return try await TargetRebuilder(client: client, sink: sink, graceSeconds: 0).rebuild(rebuild, pins: [:])
    }

    @Test func healSwapsTheAliasBetweenDataStreamsAndDeletesTheOldStream() async throws {
        let cluster = healCluster()
        let result = try await rebuildGroupG(in: cluster)
        #expect(result.copied == 1 && result.verified == 1 && result.removed)
        let swap = try #require(cluster.requests.first { $0.path == "/_aliases" }?.body)
        #expect(swap == ["actions": [
            ["remove": ["index": "cloudwatch-g-v1", "alias": "cloudwatch-g"]],
            ["add": ["index": "cloudwatch-g-v2", "alias": "cloudwatch-g", "is_write_index": true]],
        ]])
        let standby = try #require(cluster.requests.firstIndex { $0.method == "PUT" && $0.path == "/_data_stream/cloudwatch-g-v2" })
        let switched = try #require(cluster.requests.firstIndex { $0.path == "/_aliases" })
        let removed = try #require(cluster.requests.firstIndex { $0.method == "DELETE" && $0.path == "/_data_stream/cloudwatch-g-v1" })
        #expect(standby < switched && switched < removed)
        #expect(!cluster.requests.contains { $0.method == "DELETE" && $0.path == "/cloudwatch-g-v1" })
        #expect(!cluster.requests.contains { $0.path.hasSuffix("/_settings") }, "hidden is an index setting; data streams are not hidden that way")
    }

    /// Heal of a group whose stable alias someone deleted: `remove` of a missing alias is a
    /// 404 on Elasticsearch, so the switch only adds it (every engine takes that; OpenSearch
    /// before 3.0 has no `must_exist`), and the rebuild completes.
    @Test func healOfAGroupWhoseStableAliasIsMissingOnlyAddsIt() async throws {
        let cluster = healCluster(aliasMissing: true)
        let result = try await rebuildGroupG(in: cluster)
        #expect(result.copied == 1 && result.verified == 1 && result.removed)
        let swap = try #require(cluster.requests.first { $0.path == "/_aliases" }?.body)
        #expect(swap == ["actions": [["add": ["index": "cloudwatch-g-v2", "alias": "cloudwatch-g", "is_write_index": true]]]])
    }
}
