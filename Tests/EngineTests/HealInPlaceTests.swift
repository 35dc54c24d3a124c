import Testing
@testable import Engine

/// Heal of a data-stream group on an engine that swaps backing indices
/// (`POST _data_stream/_modify`, 7.16 on; `170_modify_data_stream.yml`): the conflicting
/// backing index is rebuilt beside the stream and swapped in, so no second data stream is
/// ever visible (with two, Kibana counted the group twice for the whole heal).
@Suite struct HealInPlaceTests {
    static let stream = "cloudwatch-g-v1"
    static let old = ".ds-cloudwatch-g-v1-2026.11.30-000001"
    static let healed = ".healed-.ds-cloudwatch-g-v1-2026.11.30-000001"
    static let rolled = ".ds-cloudwatch-g-v1-2026.12.03-000002"

    struct World {
        var backing: [String]
        var oldExists = true
        var healedExists = false
        var healedDocuments: Set<String> = []
    }

    /// A cluster holding the stream with `world.backing`, one document in the old index.
    static func cluster(_ start: World) -> (ScriptedCluster, Locked<World>) {
        let world = Locked(start)
        let doc = #"{"_index":"\#(old)","_id":"d1","_score":null,"_source":{"@timestamp":"2026-11-30T00:00:00.000Z","message":"m","aws":{"cloudwatch":{"log_group":"/g"}},"json":{"status":"200"}},"sort":[0]}"#
        @Sendable func hits(_ items: [String], scroll: String? = nil) -> String {
            let scrollPart = scroll.map { #""_scroll_id":"\#($0)","# } ?? ""
            return #"{\#(scrollPart)"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":\#(items.count),"relation":"eq"},"max_score":null,"hits":[\#(items.joined(separator: ","))]}}"#
        }
        let ack = (200, #"{"acknowledged":true}"#)
        let cluster = ScriptedCluster(handler: { request in
            world.withLock { world -> (status: Int, body: String)? in
                switch (request.method, request.path) {
                case ("GET", "/_data_stream/\(stream)"):
                    let indices = world.backing.map { #"{"index_name":"\#($0)","index_uuid":"u"}"# }.joined(separator: ",")
                    return (200, #"{"data_streams":[{"name":"\#(stream)","timestamp_field":{"name":"@timestamp"},"indices":[\#(indices)],"generation":\#(world.backing.count),"status":"GREEN","template":"logstream-cloudwatch","hidden":false}]}"#)
                case ("POST", "/\(stream)/_rollover"):
                    world.backing.append(rolled)
                    return (200, #"{"acknowledged":true,"shards_acknowledged":true,"old_index":"\#(old)","new_index":"\#(rolled)","rolled_over":true,"dry_run":false,"conditions":{}}"#)
                case ("HEAD", "/\(old)"): return (world.oldExists ? 200 : 404, "")
                case ("HEAD", "/\(healed)"): return (world.healedExists ? 200 : 404, "")
                case ("GET", "/\(old)/_mapping"):
                    return (200, #"{"\#(old)":{"mappings":{"_data_stream_timestamp":{"enabled":true},"properties":{"@timestamp":{"type":"date"},"json":{"properties":{"status":{"type":"long"}}}}}}}"#)
                case ("GET", "/\(old)/_settings?flat_settings=true"):
                    return (200, #"{"\#(old)":{"settings":{"index.hidden":"true","index.lifecycle.name":"logs-30d","index.number_of_shards":"1"}}}"#)
                case ("PUT", "/\(healed)"):
                    world.healedExists = true
                    return (200, #"{"acknowledged":true,"shards_acknowledged":true,"index":"\#(healed)"}"#)
                case ("POST", "/\(old)/_search?scroll=5m"): return (200, hits([doc], scroll: "s"))
                case ("POST", "/_search/scroll"): return (200, hits([], scroll: "s"))
                case ("DELETE", "/_search/scroll"): return ack
                case ("POST", "/\(old)/_refresh"), ("POST", "/\(healed)/_refresh?ignore_unavailable=true&allow_no_indices=true"):
                    return (200, #"{"_shards":{"total":1,"successful":1,"failed":0}}"#)
                case ("POST", "/\(healed)/_search?ignore_unavailable=true&allow_no_indices=true"):
                    return (200, hits(world.healedDocuments.map { #"{"_index":"\#(healed)","_id":"\#($0)","_score":1.0}"# }))
                case ("POST", "/_bulk"):
                    world.healedDocuments.insert("d1")
                    return (200, #"{"took":1,"errors":false,"items":[{"create":{"_index":"\#(healed)","_id":"d1","_version":1,"result":"created","status":201}}]}"#)
                case ("POST", "/\(old)/_count"): return (200, #"{"count":1,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}"#)
                case ("POST", "/_data_stream/_modify"):
                    world.backing = [healed] + world.backing.filter { $0 != old }
                    return ack
                case ("DELETE", "/\(old)"):
                    world.oldExists = false
                    return ack
                default:
                    return nil
                }
            }
        })
        return (cluster, world)
    }

    static func rebuild(_ cluster: ScriptedCluster) async throws -> TargetRebuilder.Result {
        let client = cluster.client()
        let sink = BulkSink(client: client, limits: BulkLimits(batchSize: 10, inFlight: 1), retry: .bulk(Backoff(baseMillis: 1, maxMillis: 2)),
                            deadLetters: DeadLetterFile(path: "/dev/null"), compress: false)
        let rebuild = TargetRebuild(stable: "cloudwatch-g", from: stream, to: "cloudwatch-g-v2", indices: [old], fields: ["json.status"])
        return try await TargetRebuilder(client: client, sink: sink, graceSeconds: 0, rebuildsInPlace: true)
            .rebuild(rebuild, pins: ["json.status": ["type": "keyword"]])
    }

    @Test func theConflictingWriteIndexIsRebuiltAndSwappedIntoTheSameStream() async throws {
        let (cluster, world) = Self.cluster(World(backing: [Self.old]))
        let result = try await Self.rebuild(cluster)
        #expect(result.copied == 1 && result.verified == 1 && result.removed)
        #expect(world.withLock { $0.backing } == [Self.healed, Self.rolled])
        #expect(!world.withLock { $0.oldExists })

        let calls = cluster.requests.map { "\($0.method) \($0.path)" }
        #expect(!calls.contains { $0.contains("cloudwatch-g-v2") || $0 == "POST /_aliases" }, "no second data stream, no alias switch: \(calls)")
        let rollover = try #require(calls.firstIndex(of: "POST /\(Self.stream)/_rollover"))
        let created = try #require(calls.firstIndex(of: "PUT /\(Self.healed)"))
        let swapped = try #require(calls.firstIndex(of: "POST /_data_stream/_modify"))
        let deleted = try #require(calls.firstIndex(of: "DELETE /\(Self.old)"))
        #expect(rollover < created && created < swapped && swapped < deleted)

        let modify = try #require(cluster.requests.first { $0.path == "/_data_stream/_modify" }?.body)
        #expect(modify == ["actions": [
            ["remove_backing_index": ["data_stream": .string(Self.stream), "index": .string(Self.old)]],
            ["add_backing_index": ["data_stream": .string(Self.stream), "index": .string(Self.healed)]],
        ]])
        let index = try #require(cluster.requests.first { $0.method == "PUT" && $0.path == "/\(Self.healed)" }?.body)
        #expect(index["mappings"]?["properties"]?["json"]?["properties"]?["status"] == ["type": "keyword"], "the winning type")
        #expect(index["mappings"]?["properties"]?["@timestamp"] == ["type": "date"])
        #expect(index["mappings"]?["_data_stream_timestamp"] == nil)
        #expect(index["settings"]?["index.hidden"] == true && index["settings"]?["index.lifecycle.name"] == "logs-30d", "hidden while it fills; keeps its retention")
        // The rebuilt index still belongs to the stream for reconcile and refresh tuning.
        #expect(BackingIndexName.index(Self.healed, belongsTo: Self.stream))
    }

    /// Killed after the swap, before the delete: the next run finds the old index out of
    /// the stream, confirms its documents in the rebuilt one, and only then deletes it.
    @Test func aRunAfterACrashBetweenSwapAndDeleteFinishesWithoutSwappingAgain() async throws {
        var start = World(backing: [Self.healed, Self.rolled])
        start.healedExists = true
        start.healedDocuments = ["d1"]
        let (cluster, world) = Self.cluster(start)
        let result = try await Self.rebuild(cluster)
        #expect(result.verified == 1 && result.copied == 0 && result.removed)
        #expect(!cluster.requests.contains { $0.path == "/_data_stream/_modify" || $0.path.hasSuffix("/_rollover") })
        #expect(!world.withLock { $0.oldExists })
        #expect(world.withLock { $0.backing } == [Self.healed, Self.rolled])
    }
}
