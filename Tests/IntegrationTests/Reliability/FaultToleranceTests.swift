@testable import Engine
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
            var queued = 0
            for _ in 0..<rounds {
                for rule: JSONValue in [
                    ["path": "/_bulk", "count": 3, "status": 429],
                    ["path": "/_bulk", "count": 2, "status": 503],
                    ["path": "/_bulk", "count": 2, "drop": true],
                    // Slower than HTTP_TIMEOUT_SECS: the request times out and is sent again.
                    ["path": "/_bulk", "count": 2, "status": 0, "delay_ms": 6_000],
                ] {
                    try await rig.injectElasticsearchFault(rule)
                    queued += rule["count"]?.int ?? 0
                }
                for rule: JSONValue in [
                    ["target": "FilterLogEvents", "count": 3, "type": "ThrottlingException", "message": "Rate exceeded"],
                    ["target": "FilterLogEvents", "count": 2, "status": 503, "type": "ServiceUnavailableException", "message": "try later"],
                    ["target": "FilterLogEvents", "count": 1, "status": 500, "type": "InternalFailure", "message": "oops"],
                ] {
                    try await rig.injectCloudWatchFault(rule)
                    queued += rule["count"]?.int ?? 0
                }
            }
            var environment = rig.environment(groups: groups, checkpointPath: rig.directory + "/cp.json")
            // Short enough that the delayed bulks time out, long enough for a busy machine's
            // other answers.
            environment["HTTP_TIMEOUT_SECS"] = "3"
            environment["BACKOFF_MAX_MS"] = "1000"
            let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "3", "--batch-size", "300"], environment: environment)
            #expect(result.status == 0, "\(result.stderr.suffix(3000))")
            for expected in ["bulk retry", "HTTP 429", "HTTP 503", "ThrottlingException", "ServiceUnavailableException", "InternalFailure"] {
                #expect(result.stderr.contains(expected), "no log line mentions \(expected)")
            }
            #expect(result.stderr.contains("timed out") || result.stderr.contains("Timeout") || result.stderr.contains("timeout"))
            var comparisons: [IDComparison] = []
            for group in groups {
                let comparison = try await rig.compareIDs(group: group)
                #expect(comparison.isExact && comparison.cloudWatch == seeded[group], "\(group): \(comparison)")
                comparisons.append(comparison)
            }
            let firedES = try await rig.firedElasticsearchFaults().values.reduce(0, +)
            let firedCW = try await rig.firedCloudWatchFaults().values.reduce(0, +)
            let fired = firedES + firedCW
            #expect(fired == queued, "faults fired \(fired) of \(queued) queued")
            Soak.record(Soak.entry("faults", comparisons, faults: fired))
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
            var comparisons: [IDComparison] = []
            for group in groups {
                let comparison = try await rig.compareIDs(group: group)
                #expect(comparison.isExact && comparison.cloudWatch == seeded[group], "\(group): \(comparison)")
                comparisons.append(comparison)
            }
            Soak.record(Soak.entry("mid-stream faults", comparisons, faults: fired.values.reduce(0, +)))
        }
    }

    /// Faults on the paths beyond the bulk write, each after some requests went through:
    /// reconcile's searches and counts, heal's scroll, the daemon's lease writes, and
    /// CloudWatch timing out and dropping connections. Every rule must fire, every command
    /// must end as it would without faults, and the id sets must match.
    @Test func faultsOnEveryPathFireAndTheCopyStaysExact() async throws {
        try await Rig.with(esProxy: true) { rig in
            let groups = ["/paths/a", "/paths/b"]
            let numbers = "/paths/numbers", text = "/paths/text"
            let all = groups + [numbers, text]
            _ = try await rig.seed(groups: groups, days: 1, eventsPerGroup: 2_000)
            let base = WallClock.nowMillis() - 6 * 3_600_000
            try await rig.put(group: numbers, events: (0..<300).map { (base + EpochMillis($0 * 1000), #"{"code":\#($0)}"#, "s") })
            try await rig.put(group: text, events: (0..<200).map { (base + EpochMillis($0 * 1000), #"{"code":"c\#($0)"}"#, "s") })
            var environment = rig.environment(groups: all, checkpointPath: rig.directory + "/state/cp.json")
            environment["HTTP_TIMEOUT_SECS"] = "3"
            environment["BACKOFF_MAX_MS"] = "500"
            var queued: [String: Int] = [:]
            func es(_ rule: JSONValue, _ kind: String) async throws {
                try await rig.injectElasticsearchFault(rule)
                queued["es " + kind, default: 0] += rule["count"]?.int ?? 1
            }
            func cloudWatch(_ rule: JSONValue, _ kind: String) async throws {
                try await rig.injectCloudWatchFault(rule)
                queued["cloudwatch " + kind, default: 0] += rule["count"]?.int ?? 1
            }

            // Backfill with CloudWatch timing out and dropping connections mid-stream.
            try await cloudWatch(["target": "FilterLogEvents", "after": 2, "count": 2, "delay_ms": 4_000], "delay")
            try await cloudWatch(["target": "FilterLogEvents", "after": 4, "count": 2, "drop": true], "drop")
            let backfill = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "2"], environment: environment)
            #expect(backfill.status == 0, "\(backfill.stderr.suffix(2000))")

            // Damage, then reconcile with its searches and counts failing.
            let deleted = try await rig.deleteDocuments(group: groups[0], count: 50)
            #expect(deleted == 50)
            try await es(["path": "/_search", "after": 1, "count": 2, "status": 503], "503")
            try await es(["path": "/_search", "after": 2, "count": 1, "drop": true], "drop")
            try await es(["path": "/_count", "count": 1, "status": 429], "429")
            let reconcile = try await ProcessRunner.run(ProjectPaths.binary, ["reconcile", "--days", "2"], environment: environment)
            #expect(reconcile.status == 0, "\(reconcile.stdout)\(reconcile.stderr.suffix(2000))")

            // Heal with its scroll failing.
            try await es(["path": "/_search/scroll", "count": 1, "status": 503], "503")
            try await es(["path": "/_search/scroll", "count": 1, "drop": true], "drop")
            let heal = try await ProcessRunner.run(ProjectPaths.binary, ["heal"], environment: environment)
            #expect(heal.status == 0, "\(heal.stdout)\(heal.stderr.suffix(2000))")

            // The daemon sharing groups through leases whose writes fail.
            try await es(["path": "/cloudwatch-logstream-state/_doc", "after": 1, "count": 2, "status": 503], "503")
            try await es(["path": "/cloudwatch-logstream-state/_doc", "after": 3, "count": 1, "drop": true], "drop")
            var daemonEnvironment = environment
            daemonEnvironment["COORDINATION"] = "elasticsearch"
            daemonEnvironment["POLL_INTERVAL_SECS"] = "1"
            daemonEnvironment["LEASE_SECS"] = "6"
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: daemonEnvironment)
            try await rig.put(group: groups[1], events: (0..<100).map { (WallClock.nowMillis() - 5_000 + EpochMillis($0), "live \($0)", "live") })
            var comparisons: [IDComparison] = []
            let settled = try await eventually(seconds: 120, watching: daemon) {
                comparisons = []
                for group in all { comparisons.append(try await rig.compareIDs(group: group)) }
                let fired = try await rig.firedElasticsearchFaults()
                return comparisons.allSatisfy(\.isExact) && (fired["503"] ?? 0) + (fired["429"] ?? 0) + (fired["drop"] ?? 0)
                    == queued.filter { $0.key.hasPrefix("es ") }.values.reduce(0, +)
            }
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 60) == 0, "\(daemon.stderr.suffix(2000))")
            #expect(settled, "\(comparisons.filter { !$0.isExact }); \(daemon.stderr.suffix(2000))")
            #expect(comparisons.count == all.count && comparisons.allSatisfy(\.isExact), "\(comparisons)")

            // Every fault queued fired: none was left waiting for a request that never came.
            let firedES = try await rig.firedElasticsearchFaults(), firedCW = try await rig.firedCloudWatchFaults()
            var fired: [String: Int] = [:]
            for (kind, count) in firedES { fired["es " + kind] = count }
            for (kind, count) in firedCW { fired["cloudwatch " + kind] = count }
            #expect(fired == queued, "fired \(fired), queued \(queued)")
            Soak.record(Soak.entry("faults on every path", comparisons, faults: fired.values.reduce(0, +)))
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
