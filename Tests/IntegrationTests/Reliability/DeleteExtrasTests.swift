@testable import Engine
import Foundation
import Testing

/// The one path that deletes data: `reconcile --delete-extras` removes documents CloudWatch
/// does not have — only where CloudWatch still retains the window, so that its absence there
/// proves something.
@Suite(.serialized) struct DeleteExtrasTests {
    @Test func extrasAreDeletedOnlyWhereCloudWatchStillRetainsTheWindow() async throws {
        try await Rig.with { rig in
            let group = "/extras/api"
            let seeded = try await rig.seed(groups: [group], days: 2, eventsPerGroup: 1_000)[group] ?? 0
            let environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/cp.json")
            let backfill = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "3"], environment: environment)
            #expect(backfill.status == 0, "\(backfill.stderr)")

            // Two documents CloudWatch never had: one an hour old, one 40 hours old.
            let es = rig.elasticsearch()
            let now = WallClock.nowMillis()
            var bulk = ""
            for (id, time) in [("extra-recent", now - 3_600_000), ("extra-old", now - 40 * 3_600_000)] {
                let source: JSONValue = ["@timestamp": .string(Timestamp.format(time)), "message": "not in CloudWatch",
                                         "event": ["id": .string(id)], "aws": ["cloudwatch": ["log_group": .string(group), "log_stream": "s"]],
                                         "cloud": ["region": "us-east-1"],
                                         "logstream": ["id_hash": 12345]]
                bulk += #"{"create":{"_index":"cloudwatch-extras-api","_id":"\#(id)"}}"# + "\n" + source.serializedString + "\n"
            }
            #expect(try await es.send("POST", "/_bulk?refresh=true", body: Array(bulk.utf8), contentType: "application/x-ndjson").status == 200)
            // CloudWatch keeps this group's events one day.
            let cloudWatch = CloudWatchLogsClient(transport: CurlTransport.shared, endpoint: rig.cloudWatchURL, region: "us-east-1",
                                                  credentials: CredentialChain(environment: ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"]),
                                                  timeoutSeconds: 10, retry: .bulk(Backoff(baseMillis: 10, maxMillis: 100)), budget: RequestBudget(ratePerSecond: 100))
            _ = try await cloudWatch.callRaw("PutRetentionPolicy", ["logGroupName": .string(group), "retentionInDays": 1])

            let dry = try await ProcessRunner.run(ProjectPaths.binary, ["reconcile", "--days", "3", "--delete-extras", "--dry-run", "--json"], environment: environment)
            #expect(dry.status == 3, "\(dry.stderr)")
            #expect(try await es.send("HEAD", "/cloudwatch-extras-api/_doc/extra-recent").status == 200, "a dry run deletes nothing")

            let run = try await ProcessRunner.run(ProjectPaths.binary, ["reconcile", "--days", "3", "--delete-extras", "--json"], environment: environment)
            let report = try #require(run.json, "\(run.stdout)")["groups"]?[0]
            #expect(report?["extras_deleted"]?.int == 1, "\(run.stdout)\n\(run.stderr.suffix(2000))")
            #expect(try await es.send("HEAD", "/cloudwatch-extras-api/_doc/extra-recent").status == 404, "deleted: CloudWatch retains its window")
            #expect(try await es.send("HEAD", "/cloudwatch-extras-api/_doc/extra-old").status == 200, "kept: CloudWatch no longer retains its window")
            #expect(run.stderr.contains("extras kept: CloudWatch no longer retains this window"))
            // Every event CloudWatch has is still there, once.
            let (count, distinct) = try await rig.countAndDistinct(group: group)
            #expect(distinct == count && count == seeded + 1, "\(count) documents, \(distinct) distinct, \(seeded) seeded")
        }
    }
}
