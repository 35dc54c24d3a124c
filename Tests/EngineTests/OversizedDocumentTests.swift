import Foundation
import Synchronization
import Testing
@testable import Engine

/// A cluster with a small `http.max_content_length`: a bulk body over the limit is answered
/// 413 whole, anything else is stored. A fake because the rig's engine has no such limit.
final class BodyLimitCluster: HTTPTransport {
    let limit: Int
    private let stored = Mutex<[String]>([])
    var sources: [String] { stored.withLock { $0 } }

    init(limit: Int) { self.limit = limit }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.body.count <= limit else {
            return HTTPResponse(status: 413, body: Array(#"{"error":"request entity too large"}"#.utf8))
        }
        let lines = request.body.split(separator: UInt8(ascii: "\n"))
        let sources = stride(from: 1, to: lines.count, by: 2).map { String(decoding: lines[$0], as: UTF8.self) }
        stored.withLock { $0.append(contentsOf: sources) }
        let items = sources.map { _ in #"{"create":{"status":201}}"# }.joined(separator: ",")
        return HTTPResponse(status: 200, body: Array(#"{"errors":false,"items":[\#(items)]}"#.utf8))
    }
}

@Suite struct OversizedDocumentTests {
    func sink(_ cluster: BodyLimitCluster, deadLetters: String) -> BulkSink {
        BulkSink(client: ElasticsearchClient(transport: cluster, baseURL: "http://es.test:9200", auth: .none, tls: TLSOptions(), timeoutSeconds: 5),
                 limits: BulkLimits(batchSize: 10, inFlight: 1), retry: RetryPolicy(backoff: Backoff(baseMillis: 1, maxMillis: 2), maxAttempts: 3, busyWindowSeconds: 2),
                 deadLetters: DeadLetterFile(path: deadLetters), compress: false)
    }

    func document(_ id: String, message: String) -> LogDocument {
        let source = #"{"@timestamp":"2026-01-01T00:00:00.000Z","message":"\#(message)","status":"\#(String(repeating: "s", count: 200))","logstream":{"id_hash":1}}"#
        return LogDocument(id: id, index: "cloudwatch-a", logGroup: "/a", timestamp: 0, source: Array(source.utf8))
    }

    /// One document alone over the body limit: it goes in cut down and flagged, and the
    /// group goes on (before, the same 413 came back for ever and the group stopped).
    @Test func aDocumentLargerThanTheBodyLimitIsCutAndFlagged() async throws {
        let cluster = BodyLimitCluster(limit: 4_096)
        let deadLetters = NSTemporaryDirectory() + "logstream-dl-\(UInt64.random(in: 0...UInt64.max)).ndjson"
        let outcome = try await sink(cluster, deadLetters: deadLetters).write([
            document("small", message: "fits"),
            document("big", message: String(repeating: "m", count: 20_000)),
        ], priority: .critical)
        #expect(outcome.created == 2 && outcome.deadLettered == 0, "\(outcome)")
        let big = try #require(cluster.sources.first { $0.contains("mmmm") })
        let parsed = try JSONParser().parse(Array(big.utf8))
        #expect(parsed["logstream"]?["truncated"] == .bool(true))
        #expect(parsed["logstream"]?["original_bytes"]?.int == 20_000)
        #expect((parsed["message"]?.string?.utf8.count ?? .max) < 4_096)
        #expect(parsed["@timestamp"]?.string == "2026-01-01T00:00:00.000Z")
    }

    /// Even its smallest form too large (a tiny limit): dead-lettered with the reason, and
    /// the rest of the batch is stored.
    @Test func aDocumentThatCannotBeCutSmallEnoughIsDeadLetteredWithTheReason() async throws {
        let cluster = BodyLimitCluster(limit: 200)
        let deadLetters = NSTemporaryDirectory() + "logstream-dl-\(UInt64.random(in: 0...UInt64.max)).ndjson"
        let outcome = try await sink(cluster, deadLetters: deadLetters).write([
            LogDocument(id: "tiny", index: "cloudwatch-a", logGroup: "/a", timestamp: 0, source: Array(#"{"message":"x"}"#.utf8)),
            document("big", message: String(repeating: "m", count: 20_000)),
        ], priority: .critical)
        #expect(outcome.created == 1 && outcome.deadLettered == 1, "\(outcome)")
        let letters = try String(contentsOfFile: deadLetters, encoding: .utf8)
        #expect(letters.contains("413") && letters.contains("big"), "\(letters)")
    }
}
