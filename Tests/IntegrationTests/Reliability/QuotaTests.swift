@testable import Engine
import Foundation
import Testing

/// The daemon behind CloudWatch's real request quota: moto answers FilterLogEvents and
/// DescribeLogGroups beyond 5 requests a second (eu-central-1's quota, the lowest) with
/// ThrottlingException, as AWS does, while thirty groups polled every second ask for six
/// times that. The tail must not take every request: history is shipped all the same.
@Suite(.serialized) struct QuotaTests {
    @Test func historyIsShippedWhileTheTailWantsMoreThanTheQuota() async throws {
        try await Rig.with { rig in
            let groups = (0..<30).map { "/quota/group-\($0)" }
            let seeded = try await rig.seed(groups: groups, days: 0.5, eventsPerGroup: 40, seed: 7)
            let total = seeded.values.reduce(0, +)
            let cloudWatch = ElasticsearchClient(transport: CurlTransport.shared, baseURL: rig.cloudWatchURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 10)
            try await cloudWatch.json("POST", "/_rig/quota", ["FilterLogEvents": 5, "DescribeLogGroups": 5])
            var environment = rig.environment(groups: ["/quota/*"], checkpointPath: rig.directory + "/state/cp.json")
            environment["POLL_INTERVAL_SECS"] = "1"
            environment["CLOUDWATCH_MAX_RPS"] = "5"
            environment["BACKFILL_DAYS"] = "1"
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            let es = rig.elasticsearch()
            func stored() async throws -> Int {
                _ = try await es.send("POST", "/cloudwatch-*/_refresh")
                return try await es.count("cloudwatch-*", query: ["prefix": ["aws.cloudwatch.log_group": "/quota/"]])
            }
            let shipped = try await eventually(seconds: 300, watching: daemon) { try await stored() == total }
            let quota = try await cloudWatch.json("GET", "/_rig/quota")
            let count = try await stored()
            #expect(shipped, "history shipped under the quota: \(count) of \(total); throttled \(quota["throttled"]?.serializedString ?? "-"): \(daemon.stderr.suffix(3000))")
            #expect(daemon.stderr.contains("each group is polled about every"), "the daemon says what the quota allows: \(daemon.stderr.prefix(3000))")
            #expect(daemon.stderr.contains("late_within_s="), "the daemon says within how long late events arrive: \(daemon.stderr.prefix(3000))")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 45) == 0)
        }
    }
}
