@testable import Engine
import Foundation
import Testing

/// The dead-letter file holds each refused document once and stays bounded.
struct DeadLetterFileTests {
    func document(_ id: String) -> LogDocument {
        LogDocument(id: id, index: "cloudwatch-g", logGroup: "/g", timestamp: 0, source: Array(#"{"message":"refused"}"#.utf8))
    }

    func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Verification ships a missing event again at each stage; refused each time, it is written once
    /// — also by a later process that finds it in the file.
    @Test func aDocumentRefusedAgainIsNotWrittenTwice() async throws {
        let path = NSTemporaryDirectory() + "logstream-test-\(UUID().uuidString)/dead-letter.ndjson"
        let file = DeadLetterFile(path: path)
        #expect(try await file.record(document("a"), status: 400, errorType: "mapper_parsing_exception", reason: "x"))
        for _ in 0..<6 {
            #expect(try await file.record(document("a"), status: 400, errorType: "mapper_parsing_exception", reason: "x") == false)
        }
        #expect(try await DeadLetterFile(path: path).record(document("a"), status: 400, errorType: "e", reason: "x") == false)
        #expect(try await DeadLetterFile(path: path).record(document("b"), status: 400, errorType: "e", reason: "x"))
        #expect(lines(path).count == 2)
    }

    @Test func aFullFileMovesToItsPreviousPart() async throws {
        let path = NSTemporaryDirectory() + "logstream-test-\(UUID().uuidString)/dead-letter.ndjson"
        let file = DeadLetterFile(path: path, maxBytes: 1_000)
        for index in 0..<40 {
            try await file.record(document("id-\(index)"), status: 400, errorType: "e", reason: "r")
        }
        let current = lines(path), previous = lines(path + ".1")
        #expect(!previous.isEmpty && !current.isEmpty)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? .max < 1_000 + 400)
        #expect(current.allSatisfy { $0.contains("\"_id\":\"id-") })
    }
}
