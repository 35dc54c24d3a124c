@testable import Engine
import Foundation
import Testing

/// The safeguards, exercised in the binary against the real rig: the dead-letter file from
/// refusal to repair, the memory soft limit, the circuit breaker, and a TLS certificate
/// issued for another host name.
@Suite(.serialized) struct SafeguardTests {
    /// An index created by hand before logstream ran, mapping `message` as a number: no
    /// safe form can store a text message there (message is never moved aside). Those
    /// events go to the dead-letter file with the reason and the whole document, the run
    /// exits 3 naming the file, the others are stored; once the operator removes the bad
    /// index, reconcile copies everything and the copy is exact.
    @Test func refusedDocumentsGoToTheDeadLetterFileAndReconcileCopiesThemOnceTheMappingIsFixed() async throws {
        try await Rig.with { rig in
            let group = "/dead/app"
            let index = "cloudwatch-\(IndexLayout.slug(GroupKey(group)))-v1"
            try await rig.elasticsearch().json("PUT", "/\(index)", [
                "aliases": .object([JSONMember("cloudwatch-\(IndexLayout.slug(GroupKey(group)))", ["is_write_index": true])]),
                "mappings": ["properties": ["message": ["type": "long"], "aws.cloudwatch.log_group": ["type": "keyword"]]],
            ])
            let base = WallClock.nowMillis() - 3_600_000
            try await rig.put(group: group, events: (0..<10).map { (base + EpochMillis($0 * 1000), "\(1000 + $0)", "s") }
                + (0..<5).map { (base + 20_000 + EpochMillis($0 * 1000), "text line \($0)", "s") })
            let environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/state/cp.json")
            let refused = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1", "--json"], environment: environment)
            #expect(refused.status == 3, "\(refused.stderr.suffix(2000))")
            let deadLetterPath = rig.directory + "/state/dead-letter.ndjson"
            #expect(refused.stderr.contains("5 documents were refused") && refused.stderr.contains(deadLetterPath), "\(refused.stderr.suffix(2000))")
            #expect(refused.stdout.contains("\"dead_lettered\":5"), "\(refused.stdout)")
            let lines = try String(contentsOfFile: deadLetterPath, encoding: .utf8).split(separator: "\n").map { try JSONParser().parse(String($0)) }
            #expect(lines.count == 5)
            var deadIDs: Set<String> = []
            for line in lines {
                #expect(line["status"]?.int == 400 && line["reason"]?.string?.contains("message") == true, "\(line)")
                #expect(line["document"]?["message"]?.string?.hasPrefix("text line") == true, "the whole document is kept: \(line)")
                if let id = line["document"]?["event"]?["id"]?.string { deadIDs.insert(id) }
            }
            let during = try await rig.compareIDs(group: group)
            #expect(Set(during.lost) == deadIDs && deadIDs.count == 5 && during.duplicates == 0 && during.unknown.isEmpty, "\(during)")

            // The operator removes the hand-made index; reconcile copies what is missing.
            _ = try await rig.elasticsearch().send("DELETE", "/\(index)")
            let repair = try await ProcessRunner.run(ProjectPaths.binary, ["reconcile", "--days", "1"], environment: environment)
            #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr.suffix(2000))")
            let after = try await rig.compareIDs(group: group)
            #expect(after.isExact && after.cloudWatch == 15, "\(after)")
            Soak.record(Soak.entry("dead letters", [after], faults: 5))
        }
    }

    /// Above MEMORY_SOFT_LIMIT_MB the adaptive controller halves batches, says why, and the
    /// copy is still exact.
    @Test func aMemorySoftLimitBelowTheProcessSizeShrinksBatchesAndLosesNothing() async throws {
        try await Rig.with { rig in
            let groups = ["/memory/a", "/memory/b"]
            _ = try await rig.seed(groups: groups, days: 1, eventsPerGroup: 6_000)
            var environment = rig.environment(groups: groups, checkpointPath: rig.directory + "/cp.json")
            environment["MEMORY_SOFT_LIMIT_MB"] = "1"
            let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "2", "--batch-size", "800"], environment: environment)
            #expect(result.status == 0, "\(result.stderr.suffix(2000))")
            let shrinks = result.stderr.split(separator: "\n").filter { $0.contains("adaptive") && $0.contains("reason=memory") }
            #expect(!shrinks.isEmpty, "no batch was shrunk for memory: \(result.stderr.suffix(2000))")
            #expect(!result.stderr.contains("reason=fast"), "batches grew although memory was over the limit")
            var comparisons: [IDComparison] = []
            for group in groups {
                let comparison = try await rig.compareIDs(group: group)
                #expect(comparison.isExact, "\(group): \(comparison)")
                comparisons.append(comparison)
            }
            Soak.record(Soak.entry("memory limit", comparisons))
        }
    }

    /// Elasticsearch failing request after request opens the breaker (requests pause), a
    /// probe closes it once the cluster answers again; CloudWatch's breaker likewise.
    @Test func theCircuitBreakerOpensUnderRepeatedFailuresAndClosesWhenTheServiceRecovers() async throws {
        try await Rig.with(esProxy: true) { rig in
            let groups = ["/breaker/a", "/breaker/b"]
            _ = try await rig.seed(groups: groups, days: 1, eventsPerGroup: 4_000)
            try await rig.injectElasticsearchFault(["path": "/_bulk", "after": 2, "count": 8, "status": 503])
            try await rig.injectCloudWatchFault(["target": "FilterLogEvents", "after": 3, "count": 7, "status": 503,
                                                 "type": "ServiceUnavailableException", "message": "try later"])
            var environment = rig.environment(groups: groups, checkpointPath: rig.directory + "/cp.json")
            environment["BACKOFF_MAX_MS"] = "400"
            let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "2", "--batch-size", "300"], environment: environment)
            #expect(result.status == 0, "\(result.stderr.suffix(3000))")
            let lines = result.stderr.split(separator: "\n")
            for side in ["elasticsearch", "cloudwatch"] {
                let opened = lines.firstIndex { $0.contains("circuit open") && $0.contains("side=\(side)") }
                let closed = lines.lastIndex { $0.contains("circuit closed") && $0.contains("side=\(side)") }
                #expect(opened != nil && closed != nil && opened! < closed!, "\(side): breaker did not open then close:\n\(result.stderr.suffix(3000))")
            }
            #expect(try await rig.firedElasticsearchFaults()["503"] == 8)
            #expect(try await rig.firedCloudWatchFaults()["ServiceUnavailableException"] == 7)
            var comparisons: [IDComparison] = []
            for group in groups {
                let comparison = try await rig.compareIDs(group: group)
                #expect(comparison.isExact, "\(group): \(comparison)")
                comparisons.append(comparison)
            }
            Soak.record(Soak.entry("circuit breaker", comparisons, faults: 15))
        }
    }

    /// A certificate signed by the trusted CA but issued for another name: refused, and the
    /// message says it is the host name (not the CA) and what to change; nothing is written.
    @Test func aCertificateForAnotherHostNameIsRefusedWithTheReason() async throws {
        try await Rig.with(esTLS: true, esTLSName: "es.logging.internal") { rig in
            let ca = try #require(rig.caBundle)
            let checkpoint = rig.directory + "/cp.json"
            var environment = rig.environment(groups: ["/tls/app"], checkpointPath: checkpoint)
            environment["ES_CA_BUNDLE"] = ca
            let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1"], environment: environment)
            #expect(result.status == 1)
            #expect(result.stderr.contains("not issued for 127.0.0.1") && result.stderr.contains("ES_HOST"), "\(result.stderr)")
            #expect(!result.stderr.contains("set ES_CA_BUNDLE"), "the CA is trusted already; the advice must be about the name: \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: checkpoint))
            Soak.record(Soak.Entry(test: "tls host name", faults: 1))
        }
    }
}
