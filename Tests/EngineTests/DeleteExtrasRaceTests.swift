import Synchronization
import Testing
@testable import Engine

/// `reconcile --delete-extras` while the tail ships: an event that becomes readable in
/// CloudWatch — and is shipped by the tail — between reconcile's two reads of a window is
/// never taken for a document CloudWatch lacks. A fake on both sides, since the rig cannot
/// place an event between two requests of one process.
@Suite struct DeleteExtrasRaceTests {
    static let minute: EpochMillis = 1_700_000_000_000 - 3_600_000
    static let group: GroupKey = "/g"

    /// The event `b` arrives right after the first of reconcile's two reads of the window
    /// (whichever side that is), in CloudWatch and in Elasticsearch alike.
    final class Race: Sendable {
        let arrived = Mutex(false)
        /// Whether `b` is there for this read; the first read of the window makes it arrive after it.
        func bIsThere() -> Bool { arrived.withLock { seen in defer { seen = true }; return seen } }
    }

    final class RacingCloudWatch: HTTPTransport {
        let race: Race
        init(_ race: Race) { self.race = race }

        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let body = try JSONParser().parse(Array(request.body))
            let start = body["startTime"]?.int64 ?? 0, end = body["endTime"]?.int64 ?? .max
            var ids = ["a", "c"]
            if end - start < 60_000 && race.bIsThere() { ids.append("b") }
            let events = ids.map { #"{"logStreamName":"s","timestamp":\#(DeleteExtrasRaceTests.minute + 1_000),"ingestionTime":\#(DeleteExtrasRaceTests.minute + 1_000),"message":"m","eventId":"\#($0)"}"# }
            return HTTPResponse(status: 200, body: Array(#"{"events":[\#(events.joined(separator: ","))],"searchedLogStreams":[]}"#.utf8))
        }
    }

    @Test func anEventShippedBetweenTheTwoReadsIsNeverDeletedAsAnExtra() async throws {
        let race = Race()
        let id: @Sendable (String) -> String = { DocumentID.make(logGroup: Self.group.rawValue, eventId: $0) }
        let cluster = ScriptedCluster { request in
            if request.path.hasPrefix("/_bulk") { return (200, Self.bulkAnswer(request.text)) }
            guard request.path.contains("/_search"), let body = request.body else { return (200, "{}") }
            if body["size"]?.int == 0 {
                // The window's summary: `a` alone, wherever the range holds its minute.
                let range = Self.range(in: body)
                let holds = range.map { $0.start <= Self.minute + 1_000 && Self.minute + 1_000 < $0.end } ?? false
                let hash = DocumentID.checksum(logGroup: Self.group.rawValue, eventIdUTF8: Array("a".utf8)[...])
                return (200, #"{"hits":{"total":{"value":\#(holds ? 1 : 0)}},"aggregations":{"hash":{"value":\#(holds ? hash : 0)}}}"#)
            }
            var documents = ["a"]
            if race.bIsThere() { documents.append("b") }
            let hits = documents.map { #"{"_index":"cloudwatch-g-v1","_id":"\#(id($0))","sort":[1,"\#($0)","x"]}"# }
            return (200, #"{"hits":{"hits":[\#(hits.joined(separator: ","))]}}"#)
        }
        let layout = IndexLayout(prefix: "cloudwatch")
        let sink = BulkSink(client: cluster.client(), limits: BulkLimits(batchSize: 10, inFlight: 1), retry: .bulk(Backoff(baseMillis: 1, maxMillis: 2)),
                            deadLetters: DeadLetterFile(path: "/dev/null"), compress: false)
        let queries = QueryCounter()
        let cloudWatch = CloudWatchLogsClient(transport: RacingCloudWatch(race), endpoint: "http://logs.test", region: "us-east-1", credentials: CountingCredentials(),
                                              timeoutSeconds: 5, retry: RetryPolicy(backoff: Backoff(baseMillis: 1, maxMillis: 4), maxAttempts: 3, busyWindowSeconds: 5),
                                              budget: RequestBudget(ratePerSecond: 1000))
        let reconciler = Reconciler(pages: PageLoop(source: cloudWatch, sink: sink, builder: DocumentBuilder(region: "r"), layout: layout),
                                    elasticsearch: ElasticsearchWindows(client: cluster.client(), layout: layout, queries: queries, defaultSource: SourceIdentity(region: "r")),
                                    queries: queries, options: ReconcileOptions(deleteExtras: true, counts: .events))
        let hour = TimeRange(start: Self.minute - 30 * 60_000, end: Self.minute + 30 * 60_000)
        let report = await reconciler.reconcile(group: Self.group, range: hour, retentionDays: nil, now: Self.minute + 3_600_000)
        #expect(report.error == nil, "\(String(describing: report.error))")
        let deletes = cluster.requests.filter { $0.path.hasPrefix("/_bulk") && $0.text.contains(#""delete""#) }
        #expect(deletes.isEmpty, "deleted: \(deletes.map(\.text))")
        #expect(report.extrasFound == 0)
        #expect(cluster.requests.contains { $0.path.hasPrefix("/_bulk") && $0.text.contains(id("c")) }, "the missing event was shipped")
    }

    static func range(in body: JSONValue) -> TimeRange? {
        for filter in body["query"]?["bool"]?["filter"]?.array ?? [] {
            if let bounds = filter["range"]?["@timestamp"], let start = bounds["gte"]?.int64, let end = bounds["lt"]?.int64 {
                return TimeRange(start: start, end: end)
            }
        }
        return nil
    }

    /// Every action of a bulk body answered 201 (a create) or 200 (a delete).
    static func bulkAnswer(_ body: String) -> String {
        let actions = body.split(separator: "\n").filter { $0.hasPrefix(#"{"create""#) || $0.hasPrefix(#"{"delete""#) }
        let items = actions.map { $0.hasPrefix(#"{"create""#) ? #"{"create":{"status":201}}"# : #"{"delete":{"status":200}}"# }
        return #"{"errors":false,"items":[\#(items.joined(separator: ","))]}"#
    }
}
