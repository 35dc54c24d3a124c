import Engine
import Foundation
import Testing

/// Both services misbehaving in every way the proxy and the emulator can: the data still
/// ends complete and duplicate-free, and the log says what happened.
@Suite(.serialized) struct FaultToleranceTests {
    @Test func everyKindOfFaultDelaysButLosesAndDuplicatesNothing() async throws {
        try await Rig.with(esProxy: true) { rig in
            let groups = ["/faults/a", "/faults/b"]
            let seeded = try await rig.seed(groups: groups, days: 2, eventsPerGroup: Soak.scale(ci: 3_000, soak: 15_000))
            let rounds = Soak.scale(ci: 1, soak: 4)
            var injected = 0
            for _ in 0..<rounds {
                for rule: JSONValue in [
                    ["path": "/_bulk", "count": 3, "status": 429],
                    ["path": "/_bulk", "count": 2, "status": 503],
                    ["path": "/_bulk", "count": 2, "drop": true],
                    // Slower than HTTP_TIMEOUT_SECS: the request times out and is sent again.
                    ["path": "/_bulk", "count": 2, "status": 0, "delay_ms": 2_500],
                ] {
                    try await rig.injectElasticsearchFault(rule)
                    injected += rule["count"]?.int ?? 0
                }
                for rule: JSONValue in [
                    ["target": "FilterLogEvents", "count": 3, "type": "ThrottlingException", "message": "Rate exceeded"],
                    ["target": "FilterLogEvents", "count": 2, "status": 503, "type": "ServiceUnavailableException", "message": "try later"],
                    ["target": "FilterLogEvents", "count": 1, "status": 500, "type": "InternalFailure", "message": "oops"],
                ] {
                    try await rig.injectCloudWatchFault(rule)
                    injected += rule["count"]?.int ?? 0
                }
            }
            var environment = rig.environment(groups: groups, checkpointPath: rig.directory + "/cp.json")
            environment["HTTP_TIMEOUT_SECS"] = "2"
            environment["BACKOFF_MAX_MS"] = "1000"
            let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "3", "--batch-size", "300"], environment: environment)
            #expect(result.status == 0, "\(result.stderr.suffix(3000))")
            for expected in ["bulk retry", "HTTP 429", "HTTP 503", "ThrottlingException", "ServiceUnavailableException", "InternalFailure"] {
                #expect(result.stderr.contains(expected), "no log line mentions \(expected)")
            }
            #expect(result.stderr.contains("timed out") || result.stderr.contains("Timeout") || result.stderr.contains("timeout"))
            var lost = 0
            var duplicates = 0
            for group in groups {
                let (count, distinct) = try await rig.countAndDistinct(group: group)
                #expect(count == seeded[group])
                #expect(distinct == count)
                lost += max(0, (seeded[group] ?? 0) - distinct)
                duplicates += count - distinct
            }
            Soak.record(Soak.Entry(test: "faults", faults: injected, events: seeded.values.reduce(0, +), lost: lost, duplicates: duplicates))
        }
    }

    /// Faults in mid-stream, after pages were acknowledged: acknowledgements lost after the
    /// write happened, and answers whose first items say 429 although they were stored. The
    /// tally counts faults that fired, and every event must be there exactly once.
    @Test func acknowledgementsLostMidStreamLoseAndDuplicateNothing() async throws {
        try await Rig.with(esProxy: true) { rig in
            let groups = ["/midstream/a", "/midstream/b"]
            let seeded = try await rig.seed(groups: groups, days: 1, eventsPerGroup: Soak.scale(ci: 3_000, soak: 12_000))
            let rules: [JSONValue] = [
                ["path": "/_bulk", "after": 3, "count": 2, "ack_lost": true],
                ["path": "/_bulk", "after": 6, "count": 3, "items_429": 40],
                ["path": "/_bulk", "after": 9, "count": 1, "drop": true],
            ]
            for rule in rules { try await rig.injectElasticsearchFault(rule) }
            var environment = rig.environment(groups: groups, checkpointPath: rig.directory + "/cp.json")
            environment["HTTP_TIMEOUT_SECS"] = "5"
            environment["BACKOFF_MAX_MS"] = "500"
            let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "2", "--batch-size", "200"], environment: environment)
            #expect(result.status == 0, "\(result.stderr.suffix(3000))")
            let fired = try await rig.firedElasticsearchFaults()
            #expect(fired["ack_lost"] == 2 && fired["items_429"] == 3 && fired["drop"] == 1, "faults that fired: \(fired)")
            var lost = 0, duplicates = 0
            for group in groups {
                let (count, distinct) = try await rig.countAndDistinct(group: group)
                #expect(count == seeded[group] && distinct == count, "\(group): \(count) documents, \(distinct) distinct, \(seeded[group] ?? 0) in CloudWatch")
                lost += max(0, (seeded[group] ?? 0) - distinct)
                duplicates += count - distinct
            }
            Soak.record(Soak.Entry(test: "mid-stream faults", faults: fired.values.reduce(0, +), events: seeded.values.reduce(0, +), lost: lost, duplicates: duplicates))
        }
    }

    @Test(arguments: [
        ("ES_HOST", "http://127.0.0.1:9", "cannot reach Elasticsearch"),
        ("ES_HOST", "http://no-such-host.invalid:9200", "cannot reach Elasticsearch"),
    ])
    func anUnreachableServiceAtStartIsNamedAndNothingIsWritten(setting: String, value: String, message: String) async throws {
        let checkpoint = ProjectPaths.temporaryDirectory("unreachable") + "/cp.json"
        let environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s",
                           "AWS_REGION": "us-east-1", "LOG_GROUPS": "/a", "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
                           "CHECKPOINT_PATH": checkpoint, setting: value, "HTTP_TIMEOUT_SECS": "3"]
        let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message) && result.stderr.contains(setting), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: checkpoint))
        Soak.record(Soak.Entry(test: "unreachable", faults: 1))
    }

    @Test func anUnreachableCloudWatchIsNamedWithItsSetting() async throws {
        try await Rig.with { rig in
            var environment = rig.environment(groups: ["/x"], checkpointPath: rig.directory + "/cp.json")
            environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"
            environment["HTTP_TIMEOUT_SECS"] = "2"
            environment["BACKOFF_MAX_MS"] = "200"
            let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1"], environment: environment)
            #expect(result.status == 1)
            #expect(result.stderr.contains("cannot reach CloudWatch Logs at http://127.0.0.1:9") && result.stderr.contains("AWS_ENDPOINT_URL"), "\(result.stderr.suffix(2000))")
            Soak.record(Soak.Entry(test: "unreachable cloudwatch", faults: 1))
        }
    }
}
