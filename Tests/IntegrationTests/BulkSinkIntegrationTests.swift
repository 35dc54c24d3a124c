@testable import Engine
import Foundation
import Testing

/// The sink against the real engine, counted by the proxy in front of it.
@Suite(.serialized) struct BulkSinkIntegrationTests {
    /// The sink writes to a group's stable name, which must be an alias (`require_alias`).
    func sink(_ rig: Rig, lingerMillis: Int) async throws -> BulkSink {
        try await rig.elasticsearch().json("PUT", "/cloudwatch-coalesce-v1", ["aliases": ["cloudwatch-coalesce": ["is_write_index": true]]])
        let client = ElasticsearchClient(transport: CurlTransport.shared, baseURL: rig.elasticsearchURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 30)
        return BulkSink(client: client, limits: BulkLimits(batchSize: 500, inFlight: 2), retry: .bulk(Backoff(baseMillis: 50, maxMillis: 500)),
                        deadLetters: DeadLetterFile(path: rig.directory + "/dead-letter.ndjson"), lingerMillis: lingerMillis)
    }

    func documents(group: String, count: Int) -> [LogDocument] {
        let events = (0..<count).map { LogEvent(eventId: "\(group)-\($0)", timestamp: 1_714_521_600_000 + EpochMillis($0), ingestionTime: nil, message: "m\($0)", logStream: "s") }
        return DocumentBuilder(region: "us-east-1").documents(for: events, logGroup: GroupKey(group), index: "cloudwatch-coalesce")
    }

    func bulkRequests(_ rig: Rig) async throws -> Int {
        let client = ElasticsearchClient(transport: CurlTransport.shared, baseURL: rig.elasticsearchURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 10)
        return try await client.json("GET", "/_rig/requests")["/_bulk"]?.int ?? 0
    }

    @Test func smallWritesFromManyGroupsShareBulkRequestsAndEachGetsItsOwnOutcome() async throws {
        try await Rig.with(esProxy: true) { rig in
            let sink = try await sink(rig, lingerMillis: 500)
            let outcomes = try await withThrowingTaskGroup(of: (Int, BulkOutcome).self) { tasks in
                for group in 0..<30 {
                    tasks.addTask { (group, try await sink.write(documents(group: "g\(group)", count: 1 + group % 4), priority: .critical)) }
                }
                var all: [Int: BulkOutcome] = [:]
                for try await (group, outcome) in tasks { all[group] = outcome }
                return all
            }
            for group in 0..<30 { #expect(outcomes[group]?.created == 1 + group % 4, "group \(group)") }
            let requests = try await bulkRequests(rig)
            #expect(requests >= 1 && requests <= 3, "\(requests) bulk requests for 30 small writes")
            #expect(try await rig.elasticsearch().count("cloudwatch-coalesce", query: ["match_all": [:]]) == (0..<30).reduce(0) { $0 + 1 + $1 % 4 })
        }
    }

    @Test func aLoneSmallWriteGoesAfterTheLingerNotLater() async throws {
        try await Rig.with(esProxy: true) { rig in
            let sink = try await sink(rig, lingerMillis: 300)
            let started = WallClock.monotonicSeconds()
            let outcome = try await sink.write(documents(group: "alone", count: 2), priority: .critical)
            #expect(outcome.created == 2)
            // Bounded by the linger plus one request, not by the arrival of more writes.
            #expect(WallClock.monotonicSeconds() - started < 10)
            #expect(try await bulkRequests(rig) == 1)
        }
    }
}
