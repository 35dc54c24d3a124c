import Testing
@testable import Engine

/// The retention the cluster applies, read through the real client from answers shaped as
/// Elasticsearch's and OpenSearch's references show them (the rig's engine has neither
/// ILM nor ISM).
@Suite struct ClusterRetentionTests {
    // Explain lifecycle API and Get lifecycle policy API reference examples.
    static let ilmExplain = #"{"indices":{".ds-cloudwatch-g-v1-2026.11.30-000001":{"index":".ds-cloudwatch-g-v1-2026.11.30-000001","index_creation_date_millis":1538475653281,"time_since_index_creation":"15s","managed":true,"policy":"logs-30d","lifecycle_date_millis":1538475653281,"age":"15s","phase":"hot","phase_time_millis":1538475653317,"action":"rollover","step":"check-rollover-ready"}}}"#
    static let ilmPolicy = #"{"logs-30d":{"version":1,"modified_date":82392349,"policy":{"phases":{"hot":{"min_age":"0ms","actions":{"rollover":{"max_age":"1d"}}},"warm":{"min_age":"10d","actions":{"forcemerge":{"max_num_segments":1}}},"delete":{"min_age":"30d","actions":{"delete":{"delete_searchable_snapshot":true}}}}},"in_use_by":{"indices":[],"data_streams":["cloudwatch-g-v1"],"composable_templates":[]}}}"#
    // Get data stream lifecycle API reference example (8.14+: effective_retention).
    static let lifecycle = #"{"data_streams":[{"name":"cloudwatch-g-v1","lifecycle":{"enabled":true,"data_retention":"7d","effective_retention":"7d","retention_determined_by":"data_stream_configuration"}}]}"#
    // OpenSearch ISM: explain index and get policy reference examples.
    static let ismExplain = #"{"cloudwatch-g-v1":{"index.plugins.index_state_management.policy_id":"hot-delete","index.opendistro.index_state_management.policy_id":"hot-delete","index":"cloudwatch-g-v1","index_uuid":"gCFlS_zcTdih8xyxf3jQ-A","policy_id":"hot-delete","enabled":true},"total_managed_indices":1}"#
    static let ismPolicy = #"{"_id":"hot-delete","_version":1,"_seq_no":7,"_primary_term":1,"policy":{"policy_id":"hot-delete","description":"hot then delete","default_state":"hot","states":[{"name":"hot","actions":[{"rollover":{"min_index_age":"1d"}}],"transitions":[{"state_name":"delete","conditions":{"min_index_age":"14d"}}]},{"name":"delete","actions":[{"delete":{}}],"transitions":[]}]}}"#
    static let noHandler = #"{"error":"no handler found for uri [/x] and method [GET]"}"#

    @Test func anILMDeletePhase() async throws {
        let cluster = ScriptedCluster([
            ("GET", "/cloudwatch-g/_ilm/explain", 200, Self.ilmExplain), ("GET", "/_ilm/policy/logs-30d", 200, Self.ilmPolicy),
            ("GET", "/_data_stream/", 404, #"{"error":{"type":"index_not_found_exception"},"status":404}"#),
            ("GET", "/_plugins/", 400, Self.noHandler),
        ])
        let found = try #require(await ClusterRetention(client: cluster.client()).of(stable: "cloudwatch-g"))
        #expect(found.millis == 30 * WallClock.millisPerDay && found.source.contains("logs-30d"))
    }

    @Test func theShortestOfILMAndADataStreamLifecycle() async throws {
        let cluster = ScriptedCluster([
            ("GET", "/cloudwatch-g/_ilm/explain", 200, Self.ilmExplain), ("GET", "/_ilm/policy/logs-30d", 200, Self.ilmPolicy),
            ("GET", "/_data_stream/cloudwatch-g-v*/_lifecycle", 200, Self.lifecycle),
        ])
        let found = try #require(await ClusterRetention(client: cluster.client()).of(stable: "cloudwatch-g"))
        #expect(found.millis == 7 * WallClock.millisPerDay && found.source.contains("lifecycle"))
    }

    @Test func anOpenSearchISMDeleteState() async throws {
        let cluster = ScriptedCluster([
            ("GET", "/cloudwatch-g/_ilm/explain", 400, Self.noHandler),
            ("GET", "/_plugins/_ism/explain/cloudwatch-g", 200, Self.ismExplain), ("GET", "/_plugins/_ism/policies/hot-delete", 200, Self.ismPolicy),
        ])
        let found = try #require(await ClusterRetention(client: cluster.client()).of(stable: "cloudwatch-g"))
        #expect(found.millis == 14 * WallClock.millisPerDay && found.source.contains("hot-delete"))
    }

    @Test func noRetentionAPIsMeansEverythingIsKept() async {
        let cluster = ScriptedCluster([("GET", "/", 400, Self.noHandler)])
        #expect(await ClusterRetention(client: cluster.client()).of(stable: "cloudwatch-g") == nil)
    }

    @Test func backfillAndTheDaemonStopAtWhatTheClusterKeeps() {
        let day = WallClock.millisPerDay
        let planner = BackgroundPlanner(historyMillis: 30 * day, tailMillis: 900_000)
        let now = 100 * day
        let task = planner.nextBackfill(group: "/g", shipped: IntervalSet([TimeRange(start: now - 7 * day, end: now)]), oldest: now - 7 * day, now: now)
        #expect(task == nil, "nothing to copy beyond the seven days the cluster keeps")
        #expect(planner.nextBackfill(group: "/g", shipped: IntervalSet([TimeRange(start: now - 7 * day, end: now)]), now: now) != nil)
        #expect(ClusterRetention.millis("30d") == 30 * day && ClusterRetention.millis("12h") == 12 * 3_600_000 && ClusterRetention.millis("x") == nil)
    }
}
