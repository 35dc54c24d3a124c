@testable import Engine
import Foundation
import Testing

/// `logstream subscribe` against the rig's CloudWatch Logs and Kinesis (moto, which keeps
/// CloudWatch's limit of two subscription filters per group).
@Suite struct SubscribeCommandTests {
    @Test func subscribeMakesItsOwnFiltersAndNeverReplacesAnotherOrPassesTheLimit() async throws {
        try await Rig.with { rig in
            // /subs/free has no filter, /subs/one one of someone else's, /subs/full two.
            for (group, filters) in [("/subs/free", [String]()), ("/subs/one", ["audit"]), ("/subs/full", ["audit", "siem"])] {
                _ = try await rig.helper(["subscribe", "--endpoint", rig.cloudWatchURL, "--group", group, "--stream", "others", "--filter", "placeholder"])
                let logs = rig.cloudWatchClient()
                _ = try await logs.callRaw("DeleteSubscriptionFilter", ["logGroupName": .string(group), "filterName": "placeholder"])
                for name in filters {
                    _ = try await rig.helper(["subscribe", "--endpoint", rig.cloudWatchURL, "--group", group, "--stream", "others", "--filter", name])
                }
            }
            _ = try await rig.helper(["subscribe", "--endpoint", rig.cloudWatchURL, "--group", "/subs/placeholder", "--stream", "cwl-central"])
            var environment = rig.environment(groups: ["/subs/free", "/subs/one", "/subs/full"], checkpointPath: rig.directory + "/cp.json")
            environment["KINESIS_STREAM"] = "cwl-central"
            func actions(_ report: JSONValue?) -> [String: String] {
                Dictionary(uniqueKeysWithValues: (report?["groups"]?.array ?? []).compactMap { step in
                    step["group"]?.string.flatMap { group in step["action"]?.string.map { (group, $0) } }
                })
            }

            let (plan, planned) = try await ProcessRunner.logstream(["subscribe", "--dry-run", "--json"], environment: environment)
            #expect(plan.status == 3, "\(plan.stdout)\(plan.stderr)")
            #expect(actions(planned) == ["/subs/free": "would subscribe", "/subs/one": "would subscribe", "/subs/full": "refused"], "\(plan.stdout)")
            #expect(try await filters(rig, "/subs/free").isEmpty, "a dry run changed nothing")

            let (missingRole, _) = try await ProcessRunner.logstream(["subscribe"], environment: environment)
            #expect(missingRole.status == 2 && missingRole.stderr.contains("--role-arn"), "\(missingRole.stderr)")

            let role = ["--role-arn", "arn:aws:iam::123456789012:role/cwl-to-kinesis"]
            let (run, done) = try await ProcessRunner.logstream(["subscribe", "--json"] + role, environment: environment)
            #expect(run.status == 3, "\(run.stdout)\(run.stderr)")
            #expect(actions(done) == ["/subs/free": "subscribed", "/subs/one": "subscribed", "/subs/full": "refused"], "\(run.stdout)")
            let full = (done?["groups"]?.array ?? []).first { $0["group"]?.string == "/subs/full" }
            #expect(full?["detail"]?.string?.contains("audit, siem") == true, "the refusal names the filters: \(run.stdout)")
            #expect(try await filters(rig, "/subs/one") == ["audit", "logstream-cwl-central"])
            #expect(try await filters(rig, "/subs/full") == ["audit", "siem"])

            let (again, second) = try await ProcessRunner.logstream(["subscribe", "--json"] + role, environment: environment)
            #expect(actions(second)["/subs/free"] == "already subscribed" && actions(second)["/subs/one"] == "already subscribed", "\(again.stdout)")

            // The filter delivers: an event put now is in the stream.
            try await rig.put(group: "/subs/free", events: [(WallClock.nowMillis(), "through the new filter", "s")])
            let kinesis = rig.kinesisClient()
            var delivered: [String] = []
            for shard in try await kinesis.shards(stream: "cwl-central") {
                let iterator = try await kinesis.iterator(stream: "cwl-central", shard: shard.id, start: .trimHorizon)
                for record in try await kinesis.records(stream: "cwl-central", iterator: iterator).records {
                    let decoded = try SubscriptionRecord.decode(record.data, arrival: record.arrival)
                    delivered += decoded.events.map(\.message)
                }
            }
            #expect(delivered.contains("through the new filter"), "\(delivered)")
        }
    }

    func filters(_ rig: Rig, _ group: String) async throws -> [String] {
        try await rig.cloudWatchClient().subscriptionFilters(group: group).map(\.name).sorted()
    }
}
