import Testing
@testable import Engine

/// Searches and counts that some shards failed to answer are not evidence: reconcile would
/// re-ship or count short, heal would delete a target it believes copied, the presence
/// lookup would resend. With a scripted cluster, since the rig's single-shard engine never
/// fails a shard.
@Suite struct PartialResultsTests {
    static let partial = #"{"took":3,"timed_out":false,"_shards":{"total":2,"successful":1,"skipped":0,"failed":1,"failures":[{"shard":1,"index":"cloudwatch-a-v1","reason":{"type":"node_not_connected_exception","reason":"node left"}}]},"hits":{"total":{"value":10,"relation":"eq"},"hits":[]},"count":10}"#

    @Test func aSearchWithFailedShardsIsAnError() async throws {
        let cluster = ScriptedCluster([("POST", "/cloudwatch-*/_search", 200, Self.partial)])
        await #expect {
            _ = try await cluster.client().json("POST", "/cloudwatch-*/_search?ignore_unavailable=true", ["size": 0])
        } throws: { error in
            let failure = error as? ElasticsearchError
            return failure?.type == "partial_results" && failure?.reason.contains("1 of 2 shards") == true
                && failure?.reason.contains("node_not_connected_exception") == true
        }
    }

    @Test func aCountWithFailedShardsIsAnError() async throws {
        let cluster = ScriptedCluster([("POST", "/cloudwatch-a/_count", 200, Self.partial)])
        await #expect(throws: ElasticsearchError.self) {
            _ = try await cluster.client().count("cloudwatch-a", query: ["match_all": [:]])
        }
    }

    @Test func aScrollPageWithFailedShardsIsAnError() async throws {
        let cluster = ScriptedCluster([("POST", "/_search/scroll", 200, Self.partial)])
        await #expect(throws: ElasticsearchError.self) {
            _ = try await cluster.client().json("POST", "/_search/scroll", ["scroll": "5m", "scroll_id": "x"])
        }
    }

    @Test func aCountWithoutACountIsAnErrorNotZero() async throws {
        let cluster = ScriptedCluster([("POST", "/cloudwatch-a/_count", 200, #"{"_shards":{"total":1,"successful":1,"failed":0}}"#)])
        await #expect(throws: ElasticsearchError.self) {
            _ = try await cluster.client().count("cloudwatch-a", query: ["match_all": [:]])
        }
    }

    @Test func aCompleteSearchIsAnswered() async throws {
        let complete = #"{"_shards":{"total":2,"successful":2,"skipped":0,"failed":0},"hits":{"hits":[]}}"#
        let cluster = ScriptedCluster([("POST", "/cloudwatch-*/_search", 200, complete)])
        let answer = try await cluster.client().json("POST", "/cloudwatch-*/_search", ["size": 0])
        #expect(answer["hits"]?["hits"]?.array?.isEmpty == true)
    }
}
