@testable import Engine
import Foundation
import Testing

/// The id lookup that keeps data streams free of second copies, against the real engine.
@Suite(.serialized) struct PresenceLookupIntegrationTests {
    @Test func onlyDocumentsNotYetStoredAreLeftToSend() async throws {
        try await Rig.with { rig in
            let es = rig.elasticsearch()
            let events = (0..<6_000).map { LogEvent(eventId: "\($0)", timestamp: 1_714_521_600_000 + EpochMillis($0), ingestionTime: nil, message: "m\($0)", logStream: "s") }
            let documents = DocumentBuilder(region: "us-east-1").documents(for: events, logGroup: "/p/q", index: "cloudwatch-p-q-v1")
            // Every third document is stored, in two indices (as after a rollover).
            var bulk = ""
            for (offset, document) in documents.enumerated() where offset % 3 == 0 {
                let index = offset % 2 == 0 ? "cloudwatch-p-q-v1" : "cloudwatch-p-q-v2"
                bulk += #"{"create":{"_index":"\#(index)","_id":"\#(document.id)"}}"# + "\n" + String(decoding: document.source, as: UTF8.self) + "\n"
            }
            let stored = try await es.send("POST", "/_bulk?refresh=true", body: Array(bulk.utf8), contentType: "application/x-ndjson")
            #expect(stored.status == 200)

            let (missing, present) = try await PresenceLookup(client: es).missing(documents, in: "cloudwatch-p-q-*")
            #expect(present == 2_000)
            #expect(missing.count == 4_000)
            #expect(Set(missing.map(\.id)) == Set(documents.enumerated().filter { $0.offset % 3 != 0 }.map(\.element.id)))
        }
    }
}
