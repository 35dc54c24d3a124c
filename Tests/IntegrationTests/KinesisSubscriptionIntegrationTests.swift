@testable import Engine
import Foundation
import Testing

/// CloudWatch Logs → subscription filter → Kinesis → logstream's reader, on the rig (moto
/// delivers each PutLogEvents batch to the stream as CloudWatch does, and serves the shards).
@Suite struct KinesisSubscriptionIntegrationTests {
    /// A group read through its subscription and the same group polled give the same events
    /// with the same ids, and so documents with the same `_id`: switching a group between the
    /// two ways stores nothing twice.
    @Test func subscriptionEventsAreTheEventsFilterLogEventsGivesWithTheSameIds() async throws {
        try await Rig.with { rig in
            let group: GroupKey = "/sub/app"
            _ = try await rig.helper(["subscribe", "--endpoint", rig.cloudWatchURL, "--group", group.rawValue, "--stream", "cwl", "--shards", "2"])
            let now = WallClock.nowMillis()
            for batch in 0..<3 {
                try await rig.put(group: group.rawValue, events: (0..<10).map { index in
                    (now - 60_000 + EpochMillis(batch * 10 + index), #"batch \#(batch) event \#(index) "quoted" é {"level":"warn"}"#, "s\(batch)")
                })
            }
            let kinesis = rig.kinesisClient()
            let shards = try await kinesis.shards(stream: "cwl")
            #expect(shards.count == 2)
            var delivered: [LogEvent] = []
            for shard in shards {
                var iterator = try await kinesis.iterator(stream: "cwl", shard: shard.id, start: .trimHorizon)
                // An open shard's iterator goes on for ever: read until a page comes back empty.
                while true {
                    let page = try await kinesis.records(stream: "cwl", iterator: iterator)
                    for record in page.records {
                        let decoded = try SubscriptionRecord.decode(record.data, arrival: record.arrival)
                        guard decoded.kind == .data else { continue }
                        #expect(decoded.logGroup == group.rawValue && decoded.owner == "123456789012")
                        delivered += decoded.events
                    }
                    guard !page.records.isEmpty, let next = page.next else { break }
                    iterator = next
                }
            }

            let cloudWatch = rig.cloudWatchClient()
            var polled: [LogEvent] = []
            var token: String?
            repeat {
                let page = try await cloudWatch.filterLogEvents(group: group, start: 1, endInclusive: nil, nextToken: token, purpose: .tail)
                polled += page.events
                token = page.nextToken
            } while token != nil

            #expect(polled.count == 30 && delivered.count == 30, "polled \(polled.count), delivered \(delivered.count)")
            #expect(Set(delivered.map(\.eventId)) == Set(polled.map(\.eventId)))
            let builder = DocumentBuilder(region: "us-east-1")
            func documents(_ events: [LogEvent]) throws -> [String: JSONValue] {
                let built = builder.documents(for: events, logGroup: group, index: "cloudwatch-sub-app")
                return Dictionary(uniqueKeysWithValues: try built.map { ($0.id, try JSONParser().parse($0.source)) })
            }
            let fromKinesis = try documents(delivered), fromPolling = try documents(polled)
            #expect(Set(fromKinesis.keys) == Set(fromPolling.keys), "the same events must make the same _id")
            for (id, document) in fromKinesis {
                // The same fields and values but for when the event reached CloudWatch, which a
                // subscription does not carry (the record's arrival in Kinesis stands in).
                let polledDocument = try #require(fromPolling[id])
                for path in DocumentSchema.fields.map(\.path) where path != DocumentSchema.ingested {
                    #expect(DocumentSchema.value(at: path, in: document) == DocumentSchema.value(at: path, in: polledDocument), "\(path) of \(id)")
                }
                #expect(document["json"] == polledDocument["json"])
            }
        }
    }

    /// A group shipped through its subscription (the shard reader, into the rig's engine) and
    /// then backfilled by polling is stored once: the poll finds every event already there.
    /// Read again from the acknowledged sequence numbers, the shards give nothing new.
    @Test func aGroupShippedThroughItsSubscriptionAndThenPolledIsStoredOnce() async throws {
        try await Rig.with { rig in
            let group = "/sub/orders"
            _ = try await rig.helper(["subscribe", "--endpoint", rig.cloudWatchURL, "--group", group, "--stream", "orders", "--shards", "2"])
            let now = WallClock.nowMillis()
            for batch in 0..<3 {
                try await rig.put(group: group, events: (0..<10).map { (now - 120_000 + EpochMillis(batch * 10 + $0), "order \(batch)-\($0)", "s\(batch)") })
            }
            let kinesis = rig.kinesisClient()
            let client = ElasticsearchClient(transport: CurlTransport.shared, baseURL: rig.elasticsearchURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 30)
            let layout = IndexLayout(prefix: "cloudwatch")
            let bootstrap = Bootstrap(client: client, layout: layout)
            try await bootstrap.prepare()
            let sink = BulkSink(client: client, limits: BulkLimits(batchSize: 500, inFlight: 2), retry: .bulk(Backoff(baseMillis: 50, maxMillis: 500)),
                                deadLetters: DeadLetterFile(path: rig.directory + "/dead-letter.ndjson"))
            let reader = ShardReader(kinesis: kinesis, stream: "orders", region: "us-east-1", sink: sink,
                                     builder: DocumentBuilder(region: "us-east-1", account: "123456789012"), layout: layout,
                                     defaultSource: SourceIdentity(region: "us-east-1", account: "123456789012"),
                                     admit: { try await bootstrap.ensureGroup($0); return true })
            var acknowledged: [String: String] = [:]
            var shipped = 0
            for shard in try await kinesis.shards(stream: "orders") {
                let progress = try await reader.read(shard: shard.id, from: .trimHorizon) { page in
                    if let sequence = page.checkpoint.sequence { acknowledged[shard.id] = sequence }
                }
                shipped += progress.outcome.created
                #expect(progress.sequence == acknowledged[shard.id])
            }
            #expect(shipped == 30)
            _ = try await client.send("POST", "/cloudwatch-*/_refresh")
            #expect(try await rig.documentCount(group: group) == 30)

            let (backfill, report) = try await ProcessRunner.logstream(["backfill", "--days", "1", "--json"],
                                                                       environment: rig.environment(groups: [group], checkpointPath: rig.directory + "/cp.json"))
            #expect(backfill.status == 0, "\(backfill.stderr)")
            let groupReport = report?["groups"]?.array?.first
            #expect(groupReport?["created"]?.int == 0 && groupReport?["already_present"]?.int == 30, "\(backfill.stdout)")
            let (count, distinct) = try await rig.countAndDistinct(group: group)
            #expect(count == 30 && distinct == 30)

            for (shard, sequence) in acknowledged {
                let again = try await reader.read(shard: shard, from: .after(sequence: sequence)) { _ in }
                #expect(again.events == 0, "shard \(shard) gave events again after its acknowledged sequence number")
            }
        }
    }
}
