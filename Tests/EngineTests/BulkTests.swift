import Testing
@testable import Engine
import TestSupport

@Suite struct BulkResponseTests {
    @Test func readsCreateItemsIncludingConflictsAndRejections() throws {
        let body = """
            {"took":3,"errors":true,"items":[
              {"create":{"_index":"i","_id":"a","status":201,"result":"created"}},
              {"create":{"_index":"i","_id":"b","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[b]: version conflict, document already exists"}}},
              {"create":{"_index":"i","_id":"c","status":429,"error":{"type":"cluster_block_exception","reason":"disk usage exceeded flood-stage watermark"}}},
              {"create":{"_index":"i","_id":"d","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [x]"}}},
              {"index":{"_index":"i","_id":"e","status":200}},
              {"create":{"_index":"i","_id":"f","status":403,"error":{"type":"cluster_block_exception","reason":"index [i] blocked by: [FORBIDDEN/8/index write (api)]"}}},
              {"create":{"_index":"i","_id":"g","status":503,"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"}}}
            ]}
            """
        let items = try BulkResponseParser.items(from: Array(body.utf8))
        #expect(items.map(\.outcome) == [.created, .alreadyPresent, .retry, .rejected, .created, .blocked, .retry])
        #expect(items[3].errorType == "mapper_parsing_exception")
        #expect(items[3].reason == "failed to parse field [x]")
    }

    @Test func readsPrettyPrintedAnswersStringErrorsAndEscapes() throws {
        let body = """
            {
              "took" : 3, "errors" : true, "ingest_took": 0,
              "items" : [
                { "create" : { "_id" : "a", "status" : 201, "_shards" : { "total" : 2 } } },
                { "create" : { "_id" : "b", "status" : 400, "error" : "plain \\"text\\" reason" } },
                { "create" : { "_id" : "c", "status" : 400, "error" : { "type" : "mapper_parsing_exception", "caused_by" : { "type" : "x", "reason" : "inner" }, "reason" : "field [a\\u00e9]" } } }
              ]
            }
            """
        let items = try BulkResponseParser.items(from: Array(body.utf8))
        #expect(items.map(\.status) == [201, 400, 400])
        #expect(items[1].reason == #"plain "text" reason"#)
        #expect(items[1].errorType == nil)
        #expect(items[2].errorType == "mapper_parsing_exception")
        #expect(items[2].reason == "field [aé]")
    }

    @Test func aCutOffOrMalformedAnswerIsAnError() {
        let whole = #"{"took":1,"errors":false,"items":[{"create":{"status":201}},{"create":{"status":201}}]}"#
        for cut in [whole.count - 1, whole.count - 10, 20] {
            #expect(throws: JSONParseError.self) { try BulkResponseParser.items(from: Array(whole.utf8.prefix(cut))) }
        }
        #expect(throws: JSONParseError.self) { try BulkResponseParser.items(from: Array((whole + "x").utf8)) }
        #expect(throws: JSONParseError.self) { try BulkResponseParser.items(from: Array(#"{"items":{"create":{}}}"#.utf8)) }
    }

    @Test func aResponseWithoutItemsIsAnError() {
        #expect(throws: (any Error).self) { try BulkResponseParser.items(from: Array(#"{"error":"x"}"#.utf8)) }
    }
}

@Suite struct BulkBatchingTests {
    func documents(_ count: Int, size: Int) -> [LogDocument] {
        (0..<count).map { LogDocument(id: "id\($0)", index: "i", logGroup: "g", timestamp: 0, source: Array(repeating: UInt8(ascii: "x"), count: size)) }
    }

    func sink(maxBytes: Int) -> BulkSink {
        BulkSink(client: ElasticsearchClient(transport: CurlTransport.shared, baseURL: "http://127.0.0.1:1", auth: .none, tls: TLSOptions(), timeoutSeconds: 1),
                 limits: BulkLimits(batchSize: 100, inFlight: 1), retry: .bulk(Backoff(baseMillis: 1, maxMillis: 1)),
                 deadLetters: DeadLetterFile(path: "/dev/null"), maxBatchBytes: maxBytes)
    }

    @Test func batchesAreBoundedByCount() {
        let batches = sink(maxBytes: 1 << 30).split(documents(250, size: 10), batchSize: 100)
        #expect(batches.map(\.count) == [100, 100, 50])
    }

    @Test func batchesAreBoundedByBytesButNeverEmpty() {
        let batches = sink(maxBytes: 10_000).split(documents(10, size: 4000), batchSize: 1000)
        #expect(batches.map(\.count) == [2, 2, 2, 2, 2])
        let huge = sink(maxBytes: 100).split(documents(3, size: 4000), batchSize: 1000)
        #expect(huge.map(\.count) == [1, 1, 1])
    }

    @Test func bodyIsNDJSONWithCreateActions() throws {
        let document = LogDocument(id: "abc", index: "cloudwatch-x", logGroup: "g", timestamp: 0, source: Array(#"{"message":"hi"}"#.utf8))
        let body = String(decoding: BulkSink.body(for: [document]), as: UTF8.self)
        #expect(body == "{\"create\":{\"_index\":\"cloudwatch-x\",\"_id\":\"abc\"}}\n{\"message\":\"hi\"}\n")
    }
}

@Suite struct GzipTests {
    @Test func roundTripsAndShrinksLogText() throws {
        let text = Array(String(repeating: "{\"message\":\"GET /health 200 1.2ms\"}\n", count: 2000).utf8)
        let compressed = try Gzip.compress(text)
        #expect(compressed.count < text.count / 10)
        #expect(compressed.prefix(2) == [0x1f, 0x8b])
        #expect(try Gzip.decompress(compressed) == text)
        #expect(try Gzip.decompress(try Gzip.compress([])) == [])
    }

    /// igzip writes the whole body itself (no zlib fallback taken), for text and for bytes
    /// that do not compress at all (stored blocks, the largest output there is), and zlib
    /// reads every result back.
    @Test func igzipCompressesEveryKindOfBodyWithoutFallingBack() throws {
        var random = SeededGenerator()
        let noise = (0..<3_000_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let text = Array(String(repeating: "{\"message\":\"GET /health 200 1.2ms\"}\n", count: 30_000).utf8)
        let inputs: [[UInt8]] = [[], [0x41], text, noise, Array(text.prefix(1_000_000)) + Array(noise.prefix(500_000))]
        for input in inputs {
            let compressed = try #require(Gzip.igzip(input[...]), "igzip refused \(input.count) bytes (\(random))")
            #expect(compressed.prefix(2) == [0x1f, 0x8b])
            #expect(try Gzip.decompress(compressed) == input, "\(input.count) bytes (\(random))")
        }
        let zlib = try Gzip.compress(text, codec: .zlib)
        #expect(try Gzip.decompress(zlib) == text)
        #expect(Gzip.igzip(text[...])!.count < zlib.count * 13 / 10, "igzip's output is within 1.3x of zlib level 1's")
    }
}

@Suite struct BackoffTests {
    @Test func ceilingDoublesUpToTheMaximum() {
        let backoff = Backoff(baseMillis: 200, maxMillis: 10_000)
        #expect((0..<8).map { backoff.ceiling(attempt: $0) } == [200, 400, 800, 1600, 3200, 6400, 10_000, 10_000])
        #expect(backoff.ceiling(attempt: 500) == 10_000)
    }

    @Test func delaysAreJitteredWithinTheCeiling() {
        let backoff = Backoff(baseMillis: 100, maxMillis: 1000)
        let delays = (0..<200).map { _ in backoff.delay(attempt: 3) }
        #expect(delays.allSatisfy { (0...800).contains($0) })
        #expect(Set(delays).count > 20)
    }
}

@Suite struct BulkBodyTests {
    let events = (0..<5).map { LogEvent(eventId: "\($0)", timestamp: 1_714_521_600_000 + EpochMillis($0), ingestionTime: nil, message: "m\($0)", logStream: "s") }

    func lines(_ body: ArraySlice<UInt8>) -> [String] {
        String(decoding: body, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func documentsOfOnePageAreOneRunOfBytes() throws {
        let documents = DocumentBuilder(region: "r").documents(for: events, logGroup: "/g", index: "cloudwatch-g")
        let whole = BulkSink.body(for: documents)
        let part = BulkSink.body(for: documents[1..<3])
        #expect(lines(whole).count == 10)
        #expect(lines(part) == Array(lines(whole)[2..<6]))
        for (line, document) in zip(lines(whole).enumerated().filter { $0.offset % 2 == 1 }.map(\.element), documents) {
            #expect(line == String(decoding: document.source, as: UTF8.self))
        }
        #expect(try JSONParser().parse(Array(lines(whole)[0].utf8))["create"]?["_id"]?.string == documents[0].id)
    }

    @Test func documentsFromDifferentPlacesAreJoinedInOrder() throws {
        let builder = DocumentBuilder(region: "r")
        let page = builder.documents(for: events, logGroup: "/g", index: "cloudwatch-g")
        let single = builder.document(for: events[0], logGroup: "/g", index: "cloudwatch-g")
        let mixed = [page[3], single, page[1], page[2]]
        let body = lines(BulkSink.body(for: mixed))
        #expect(body.count == 8)
        for (offset, document) in mixed.enumerated() {
            #expect(try JSONParser().parse(Array(body[offset * 2].utf8))["create"]?["_id"]?.string == document.id)
            #expect(body[offset * 2 + 1] == String(decoding: document.source, as: UTF8.self))
        }
    }
}
