import Testing
@testable import Engine

@Suite struct StorageModeTests {
    @Test(arguments: [
        (#"{"version":{"number":"8.13.4","build_flavor":"default"}}"#, StorageMode.dataStreams),
        (#"{"version":{"number":"7.17.0"}}"#, .dataStreams),
        (#"{"version":{"number":"7.10.2"}}"#, .aliases),
        (#"{"version":{"number":"2.11.0","distribution":"opensearch"}}"#, .aliases),
        (#"{"name":"something else"}"#, .aliases),
    ])
    func chosenFromTheClusterVersion(root: String, mode: StorageMode) throws {
        #expect(StorageMode.preferred(forClusterRoot: try JSONParser().parse(Array(root.utf8))) == mode)
    }
}

@Suite struct BootstrapTests {
    let layout = IndexLayout(prefix: "cloudwatch")

    @Test func withDataStreamsTheVersionedTargetIsADataStreamBehindTheStableAlias() async throws {
        // Fake cluster: the rig's engine has no data streams to show these requests against.
        let cluster = ScriptedCluster([
            ("GET", "/_alias/", 404, #"{"error":"alias [x] missing","status":404}"#),
            ("GET", "/_index_template/", 404, #"{"error":{"type":"resource_not_found_exception"},"status":404}"#),
            ("GET", "/_resolve/index/", 200, #"{"indices":[],"aliases":[],"data_streams":[]}"#),
            ("GET", "/", 200, #"{"version":{"number":"8.13.4"}}"#),
            ("PUT", "/_index_template/", 200, #"{"acknowledged":true}"#),
            ("POST", "/_index_template/_simulate_index/", 200, #"{"template":{"settings":{},"mappings":{},"aliases":{}},"overlapping":[]}"#),
            ("PUT", "/_data_stream/", 200, #"{"acknowledged":true}"#),
            ("POST", "/_aliases", 200, #"{"acknowledged":true}"#),
        ])
        let bootstrap = Bootstrap(client: cluster.client(), layout: layout)
        try await bootstrap.prepare()
        try await bootstrap.ensureGroup("/ecs/web")
        #expect(await bootstrap.mode == .dataStreams)

        // (Reading the installed template and the user's component first keeps what they hold.)
        let requests = cluster.requests.filter { !($0.method == "GET" && ($0.path.hasPrefix("/_index_template/") || $0.path.hasPrefix("/_component_template/"))) && !$0.path.contains("_simulate_index") }
        #expect(requests.map { "\($0.method) \($0.path)" } == [
            "GET /", "GET /_resolve/index/cloudwatch-*?expand_wildcards=all", "PUT /_index_template/logstream-cloudwatch", "GET /_alias/cloudwatch-ecs-web",
            "HEAD /cloudwatch-ecs-web", "PUT /_data_stream/cloudwatch-ecs-web-v1", "POST /_aliases",
        ])
        // Index template docs: a data stream needs `data_stream: {}` in a matching template.
        let template = try #require(requests[2].body)
        #expect(template["data_stream"] == .object([]))
        #expect(template["index_patterns"] == ["cloudwatch-*-v1", "cloudwatch-*-v2"])
        #expect(template["template"]?["mappings"]?["properties"]?["@timestamp"]?["type"] == "date")
        // Aliases docs: an alias may point at a data stream and name it its write target.
        #expect(requests[6].body == ["actions": [["add": ["index": "cloudwatch-ecs-web-v1", "alias": "cloudwatch-ecs-web", "is_write_index": true]]]])
    }

    /// An empty 8.15 cluster that answers the creation of a data stream with `status` and `body`.
    static func refusingDataStreams(_ status: Int, _ body: String) -> ScriptedCluster {
        ScriptedCluster([
            ("GET", "/_alias/", 404, #"{"error":"alias missing","status":404}"#),
            ("GET", "/_index_template/", 404, #"{"error":{"type":"resource_not_found_exception"},"status":404}"#),
            ("GET", "/_resolve/index/", 200, #"{"indices":[],"aliases":[],"data_streams":[]}"#),
            ("GET", "/", 200, #"{"version":{"number":"8.15.0"}}"#),
            ("PUT", "/_index_template/", 200, #"{"acknowledged":true}"#),
            ("POST", "/_index_template/_simulate_index/", 200, #"{"template":{"settings":{},"mappings":{},"aliases":{}},"overlapping":[]}"#),
            ("PUT", "/_data_stream/", status, body),
            ("PUT", "/cloudwatch-", 200, #"{"acknowledged":true}"#),
        ])
    }

    @Test func whenDataStreamsAreRefusedAsUnsupportedPlainIndicesAreUsed() async throws {
        // Fake cluster claiming a data-stream-capable version but refusing to create one, as osmem does.
        let cluster = Self.refusingDataStreams(400, #"{"error":{"type":"unsupported_operation_exception","reason":"data streams are not supported"},"status":400}"#)
        let bootstrap = Bootstrap(client: cluster.client(), layout: layout)
        try await bootstrap.prepare()
        try await bootstrap.ensureGroup("/ecs/web")
        #expect(await bootstrap.mode == .aliases)
        let requests = cluster.requests.filter { !($0.method == "GET" && ($0.path.hasPrefix("/_index_template/") || $0.path.hasPrefix("/_component_template/"))) && !$0.path.contains("_simulate_index") }
        #expect(requests.map { "\($0.method) \($0.path)" } == [
            "GET /", "GET /_resolve/index/cloudwatch-*?expand_wildcards=all", "PUT /_index_template/logstream-cloudwatch", "GET /_alias/cloudwatch-ecs-web",
            "HEAD /cloudwatch-ecs-web", "PUT /_data_stream/cloudwatch-ecs-web-v1", "PUT /_index_template/logstream-cloudwatch", "PUT /cloudwatch-ecs-web-v1",
        ])
        #expect(requests[6].body?["data_stream"] == nil)
        #expect(requests[6].body?["index_patterns"] == ["cloudwatch-*"])
        #expect(requests[7].body == ["aliases": ["cloudwatch-ecs-web": ["is_write_index": true]]])
    }

    /// A restart must not drop what the user added to the template (a retention, an ILM
    /// policy, shard settings, components): it is kept, and the user's `<prefix>@custom`
    /// component is composed in while it exists — so every target logstream creates (a new
    /// group's, heal's standby) inherits it.
    @Test func whatTheUserAddedToTheTemplateIsKeptAndTheirComponentComposed() async throws {
        let installed = #"{"index_templates":[{"name":"logstream-cloudwatch","index_template":{"index_patterns":["cloudwatch-*-v1","cloudwatch-*-v2"],"composed_of":["team-shards","cloudwatch@custom"],"priority":210,"data_stream":{"hidden":false,"allow_custom_routing":false},"template":{"settings":{"index":{"lifecycle":{"name":"logs-30d"},"number_of_shards":"3"}},"lifecycle":{"enabled":true,"data_retention":"30d"},"mappings":{"properties":{"@timestamp":{"type":"date"}}}},"_meta":{"managed_by":"logstream","pinned_fields":{"json.status":{"type":"keyword"}}}}}]}"#
        for customExists in [true, false] {
            let cluster = ScriptedCluster([
                ("GET", "/_index_template/", 200, installed),
                ("GET", "/_component_template/cloudwatch@custom", customExists ? 200 : 404,
                 customExists ? #"{"component_templates":[{"name":"cloudwatch@custom","component_template":{"template":{"lifecycle":{"data_retention":"7d"}}}}]}"#
                              : #"{"error":{"type":"resource_not_found_exception","reason":"component template matching [cloudwatch@custom] not found"},"status":404}"#),
                ("GET", "/_resolve/index/", 200, #"{"indices":[],"aliases":[],"data_streams":[]}"#),
                ("GET", "/", 200, #"{"version":{"number":"8.13.4"}}"#),
                ("PUT", "/_index_template/", 200, #"{"acknowledged":true}"#),
                ("POST", "/_index_template/_simulate_index/", 200, #"{"template":{"settings":{},"mappings":{},"aliases":{}},"overlapping":[]}"#),
            ])
            try await Bootstrap(client: cluster.client(), layout: layout).prepare()
            let put = try #require(cluster.requests.first { $0.method == "PUT" && $0.path == "/_index_template/logstream-cloudwatch" }?.body)
            #expect(put["template"]?["settings"]?["index"]?["lifecycle"]?["name"] == "logs-30d")
            #expect(put["template"]?["settings"]?["index"]?["number_of_shards"] == "3")
            #expect(put["template"]?["lifecycle"] == ["enabled": true, "data_retention": "30d"])
            // A composed component that no longer exists would fail the whole template.
            #expect(put["composed_of"] == (customExists ? ["team-shards", "cloudwatch@custom"] : ["team-shards"]), "custom exists: \(customExists)")
            #expect(put["template"]?["mappings"]?["properties"]?["json"]?["properties"]?["status"]?["type"] == "keyword", "heal's pins are kept too")
        }
    }

    /// A proxy that does not pass the data stream API on answers 404 or 405 without
    /// Elasticsearch's words: that must stop start-up with what to fix, not switch the prefix
    /// to plain indices for good. The engine's own "no handler found" still means plain indices.
    @Test(arguments: [
        (404, "<html><body><h1>404 Not Found</h1></body></html>", false),
        (405, "<html><body>Method Not Allowed</body></html>", false),
        (400, #"{"error":"no handler found for uri [/_data_stream/cloudwatch-ecs-web-v1] and method [PUT]","status":400}"#, true),
    ])
    func onlyTheEnginesOwnRefusalSwitchesToPlainIndices(status: Int, body: String, switches: Bool) async throws {
        let cluster = Self.refusingDataStreams(status, body)
        let bootstrap = Bootstrap(client: cluster.client(), layout: layout)
        try await bootstrap.prepare()
        if switches {
            try await bootstrap.ensureGroup("/ecs/web")
            #expect(await bootstrap.mode == .aliases)
        } else {
            do {
                try await bootstrap.ensureGroup("/ecs/web")
                Issue.record("a proxy's \(status) was taken for the engine's refusal")
            } catch let error as ElasticsearchError {
                #expect("\(error)".contains("proxy") && "\(error)".contains("ES_HOST"), "\(error)")
            }
            #expect(await bootstrap.mode == .dataStreams)
            #expect(!cluster.requests.contains { $0.method == "PUT" && $0.path == "/cloudwatch-ecs-web-v1" })
        }
    }

    /// A stable name someone took with an index or data stream: the alias can never be added,
    /// so start fails naming it before anything is created (no orphan `-v1`).
    @Test(arguments: [StorageMode.dataStreams, .aliases])
    func aStableNameTakenByAnIndexFailsBeforeAnythingIsCreated(mode: StorageMode) async throws {
        let cluster = ScriptedCluster(handler: { request in
            switch (request.method, request.path) {
            case ("GET", "/_alias/cloudwatch-ecs-web"): return (404, #"{"error":"alias [cloudwatch-ecs-web] missing","status":404}"#)
            case ("HEAD", "/cloudwatch-ecs-web"): return (200, "")
            default: return (200, #"{"acknowledged":true}"#)
            }
        })
        let bootstrap = Bootstrap(client: cluster.client(), layout: layout, mode: mode, cluster: ClusterInfo(root: ["version": ["number": "8.15.0"]]))
        do {
            try await bootstrap.ensureGroup("/ecs/web")
            Issue.record("a taken stable name was accepted")
        } catch let error as ElasticsearchError {
            #expect("\(error)".contains("cloudwatch-ecs-web already exists as an index or data stream") && "\(error)".contains("INDEX_PREFIX"), "\(error)")
        }
        #expect(!cluster.requests.contains { $0.method == "PUT" || $0.method == "POST" }, "\(cluster.requests.map { "\($0.method) \($0.path)" })")
    }

    /// Instances starting together: between this one's alias probe and its check of the
    /// name, another made the group's target and alias. That is the group's own alias, not a
    /// name someone took: start goes on, creating nothing.
    @Test func anAliasAnotherInstanceJustMadeIsNotATakenName() async throws {
        let probes = Locked(0)
        let cluster = ScriptedCluster(handler: { request in
            switch (request.method, request.path) {
            case ("GET", "/_alias/cloudwatch-ecs-web"):
                let turn = probes.withLock { count -> Int in
                    count += 1
                    return count
                }
                return turn == 1 ? (404, #"{"error":"alias [cloudwatch-ecs-web] missing","status":404}"#)
                    : (200, #"{"cloudwatch-ecs-web-v1":{"aliases":{"cloudwatch-ecs-web":{"is_write_index":true}}}}"#)
            case ("HEAD", "/cloudwatch-ecs-web"): return (200, "")
            default: return (200, #"{"acknowledged":true}"#)
            }
        })
        let bootstrap = Bootstrap(client: cluster.client(), layout: layout, mode: .aliases, cluster: ClusterInfo(root: ["version": ["number": "8.15.0"]]))
        try await bootstrap.ensureGroup("/ecs/web")
        #expect(!cluster.requests.contains { $0.method == "PUT" || $0.method == "POST" }, "\(cluster.requests.map { "\($0.method) \($0.path)" })")
    }

    @Test func anExistingStableAliasIsLeftAlone() async throws {
        let cluster = ScriptedCluster([
            ("GET", "/_alias/", 200, #"{"cloudwatch-ecs-web-v2":{"aliases":{"cloudwatch-ecs-web":{"is_write_index":true}}}}"#),
        ])
        let bootstrap = Bootstrap(client: cluster.client(), layout: layout, mode: .dataStreams)
        try await bootstrap.ensureGroup("/ecs/web")
        #expect(cluster.requests.map(\.method) == ["GET"])
    }

    @Test func fieldsPinnedByAnEarlierHealAreKeptWhenTheTemplateIsInstalledAgain() async throws {
        // Fake cluster answering the installed template with a pinned field.
        let cluster = ScriptedCluster([
            ("GET", "/_index_template/", 200, #"{"index_templates":[{"name":"logstream-cloudwatch","index_template":{"_meta":{"pinned_fields":{"json.status":{"type":"long"}}}}}]}"#),
            ("GET", "/", 200, #"{"version":{"number":"2.11.0","distribution":"opensearch"}}"#),
            ("PUT", "/_index_template/", 200, #"{"acknowledged":true}"#),
        ])
        try await Bootstrap(client: cluster.client(), layout: layout, mode: .aliases).prepare()
        let put = try #require(cluster.requests.last { $0.method == "PUT" })
        #expect(put.method == "PUT")
        #expect(put.body?["template"]?["mappings"]?["properties"]?["json"]?["properties"]?["status"] == ["type": "long"])
    }
}
