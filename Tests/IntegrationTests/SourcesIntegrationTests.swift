@testable import Engine
import Foundation
import Testing

/// Central logging: one deployment reading the same group name in two regions and in
/// another account (a role assumed into it), beside an existing single-source deployment
/// that upgrades — against moto with signature checking on.
@Suite(.serialized) struct SourcesIntegrationTests {
    @Test func sameGroupNameInTwoRegionsAndAnotherAccountNeverTouchEachOtherAndTheUpgradeResendsNothing() async throws {
        try await Rig.with { rig in
            let group = "/shared/api"
            let memberAccount = "111111111111"
            // CloudWatch: the group in the default account's us-east-1 (the existing deployment's),
            // in its eu-west-1, and in a member account's us-east-1.
            let home = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 300, seed: 1)[group] ?? 0
            let europe = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 200, seed: 2, region: "eu-west-1")[group] ?? 0
            let reader = try await rig.helper(["role", "--endpoint", rig.cloudWatchURL, "--name", "logstream-reader", "--account", memberAccount])["arn"]?.string ?? ""
            #expect(reader.contains(memberAccount))
            let member = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 250, seed: 3, roleArn: reader)[group] ?? 0
            let user = try await rig.helper(["iam", "--endpoint", rig.cloudWatchURL, "--name", "central", "--may-assume"])
            _ = try await rig.helper(["auth", "--endpoint", rig.cloudWatchURL, "on"])

            var environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/state/cp.json")
            environment["AWS_ACCESS_KEY_ID"] = user["key"]?.string
            environment["AWS_SECRET_ACCESS_KEY"] = user["secret"]?.string
            environment["AWS_EC2_METADATA_DISABLED"] = "true"
            func run(_ arguments: [String]) async throws -> (ProcessResult, JSONValue?) {
                return try await ProcessRunner.logstream(arguments, environment: environment)
            }
            let es = rig.elasticsearch()
            func count(_ query: JSONValue) async throws -> Int { try await es.count("cloudwatch-*", query: query) }
            let ofGroup: JSONValue = ["term": ["aws.cloudwatch.log_group": .string(group)]]
            func ofSource(_ source: String?) -> JSONValue {
                guard let source else { return ["bool": ["filter": [ofGroup], "must_not": [["exists": ["field": "logstream.source"]]]]] }
                return ["bool": ["filter": [ofGroup, ["term": ["logstream.source": .string(source)]]]]]
            }
            let europeSource = "123456789012:eu-west-1", memberSource = "\(memberAccount):us-east-1"

            // Before: the single-source deployment as it has always run.
            let (before, _) = try await run(["backfill", "--days", "2"])
            #expect(before.status == 0, "\(before.stderr)")
            #expect(try await count(ofGroup) == home)

            // The upgrade: two sources join through config.toml.
            let config = rig.directory + "/config.toml"
            try """
                [[source]]
                name = "europe"
                region = "eu-west-1"
                log_groups = ["\(group)"]

                [[source]]
                name = "member"
                region = "us-east-1"
                log_groups = ["/shared/*"]
                role_arn = "\(reader)"
                external_id = "central-logging"
                """.write(toFile: config, atomically: true, encoding: .utf8)
            environment["LOGSTREAM_CONFIG"] = config
            let (backfill, report) = try await run(["backfill", "--days", "2", "--json"])
            #expect(backfill.status == 0, "\(backfill.stderr)")
            let groups = report?["groups"]?.array ?? []
            func created(_ key: String) -> Int? { groups.first { $0["group"]?.string == key }?["created"]?.int }
            #expect(created(group) == 0, "the existing deployment's group re-sends nothing: \(groups)")
            #expect(created("\(europeSource):\(group)") == europe)
            #expect(created("\(memberSource):\(group)") == member)
            #expect(try await count(ofSource(nil)) == home)
            #expect(try await count(ofSource(europeSource)) == europe)
            #expect(try await count(ofSource(memberSource)) == member)
            let (total, distinct) = try await rig.countAndDistinctIDs(group: group)
            #expect(total == home + europe + member && distinct == total, "no document twice")
            // Its index and ids stayed; the sources have their own.
            #expect(try await es.send("HEAD", "/cloudwatch-shared-api").status == 200)
            #expect(try await es.send("HEAD", "/cloudwatch-111111111111-us-east-1-shared-api").status == 200)
            let sample = try await es.json("POST", "/cloudwatch-*/_search", ["size": 1, "query": ofSource(memberSource)])
            let source = sample["hits"]?["hits"]?[0]?["_source"]
            #expect(source?["cloud"]?["account"]?["id"]?.string == memberAccount && source?["cloud"]?["region"]?.string == "us-east-1")

            // New events in each source reach only their own copy.
            _ = try await rig.helper(["auth", "--endpoint", rig.cloudWatchURL, "off"])
            let now = WallClock.nowMillis()
            try await rig.put(group: group, events: [(now - 2000, "home new", "n")])
            try await rig.put(group: group, events: [(now - 2000, "europe new", "n"), (now - 1000, "europe new 2", "n")], region: "eu-west-1")
            try await rig.put(group: group, events: [(now - 2000, "member new", "n")], roleArn: reader)
            _ = try await rig.helper(["auth", "--endpoint", rig.cloudWatchURL, "on"])
            let (tail, _) = try await run(["tail"])
            #expect(tail.status == 0, "\(tail.stderr)")
            #expect(try await count(ofSource(nil)) == home + 1)
            #expect(try await count(ofSource(europeSource)) == europe + 2)
            #expect(try await count(ofSource(memberSource)) == member + 1)

            // Reconcile with --delete-extras: each source's documents are nobody else's extras.
            let (reconcile, checked) = try await run(["reconcile", "--days", "2", "--delete-extras", "--json"])
            #expect(reconcile.status == 0, "\(reconcile.stderr)\n\(reconcile.stdout)")
            let checkedGroups = try #require(checked?["groups"]?.array, "no groups in \(reconcile.stdout)")
            #expect(checkedGroups.count == 3, "\(checkedGroups)")
            for entry in checkedGroups {
                #expect(entry["extras_found"]?.int == 0 && entry["extras_deleted"]?.int == 0, "\(entry)")
            }
            #expect(try await count(ofGroup) == home + europe + member + 4)
        }
    }
}

extension Rig {
    /// Documents of `group` (all sources) and how many distinct ids they have.
    func countAndDistinctIDs(group: String) async throws -> (count: Int, distinct: Int) {
        let response = try await elasticsearch().json("POST", "/cloudwatch-*/_search", [
            "size": 0, "track_total_hits": true, "query": ["term": ["aws.cloudwatch.log_group": .string(group)]],
            "aggs": ["ids": ["cardinality": ["field": "_id", "precision_threshold": 40_000]]],
        ])
        return (response["hits"]?["total"]?["value"]?.int ?? -1, response["aggregations"]?["ids"]?["value"]?.int ?? -1)
    }
}
