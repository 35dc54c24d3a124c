@testable import Engine
import Foundation
import Testing

/// Deployments that share one cluster: two with the default prefix reading the same group
/// name in us-east-1 and in eu-west-1 (so both write into the same alias), and one with the
/// prefix `cloudwatch-prod`, nested in theirs, reading the same group in us-east-1 (the same
/// events, so the same `_id`s) beside two groups of its own with a mapping conflict between
/// them. No deployment's reconcile, `reconcile --delete-extras` or heal may change another's
/// documents.
@Suite(.serialized) struct NeighbourTests {
    @Test func eachDeploymentTouchesOnlyItsOwnDocuments() async throws {
        try await Rig.with { rig in
            let group = "/shared/app"
            let east = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 300, seed: 1)[group] ?? 0
            let west = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 200, seed: 2, region: "eu-west-1")[group] ?? 0
            let base = WallClock.nowMillis() - 3 * 3_600_000
            try await rig.put(group: "/nb/numbers", events: (0..<40).map { (base + EpochMillis($0) * 1000, #"{"status":\#(200 + $0 % 3)}"#, "s") })
            try await rig.put(group: "/nb/words", events: (0..<12).map { (base + EpochMillis($0) * 1000, #"{"status":"OK \#($0)"}"#, "s") })

            struct Deployment {
                var name: String
                var environment: [String: String]
            }
            func deployment(_ name: String, region: String, prefix: String?, groups: [String]) -> Deployment {
                var environment = rig.environment(groups: groups, checkpointPath: rig.directory + "/\(name)/cp.json")
                environment["AWS_REGION"] = region
                environment["INDEX_PREFIX"] = prefix
                environment["HTTP_TIMEOUT_SECS"] = "10"
                return Deployment(name: name, environment: environment)
            }
            let deployments = [
                deployment("east", region: "us-east-1", prefix: nil, groups: [group]),
                deployment("west", region: "eu-west-1", prefix: nil, groups: [group]),
                deployment("prod", region: "us-east-1", prefix: "cloudwatch-prod", groups: [group, "/nb/numbers", "/nb/words"]),
            ]
            let es = rig.elasticsearch()
            func inRegion(_ region: String) -> JSONValue {
                ["bool": ["filter": [["term": ["aws.cloudwatch.log_group": .string(group)]], ["term": ["cloud.region": .string(region)]]]]]
            }
            // Each deployment's documents, counted where that deployment writes them.
            func counts() async throws -> [String: Int] {
                [
                    "east": try await es.count("cloudwatch-shared-app", query: inRegion("us-east-1")),
                    "west": try await es.count("cloudwatch-shared-app", query: inRegion("eu-west-1")),
                    "prod": try await es.count("cloudwatch-prod-*", query: ["match_all": [:]]),
                ]
            }
            for deployment in deployments {
                let backfill = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "2"], environment: deployment.environment)
                #expect(backfill.status == 0, "\(deployment.name): \(backfill.stderr.suffix(2000))")
            }
            _ = try await es.send("POST", "/_refresh")
            let expected = ["east": east, "west": west, "prod": east + 52]
            #expect(try await counts() == expected)

            for deployment in deployments {
                for arguments in [["reconcile", "--days", "2", "--json"], ["reconcile", "--days", "2", "--delete-extras", "--json"], ["heal", "--json"]] {
                    let run = try await ProcessRunner.run(ProjectPaths.binary, arguments, environment: deployment.environment)
                    let what = "\(deployment.name) \(arguments.joined(separator: " "))"
                    #expect(run.status == 0, "\(what) finds nothing of another's to report or change: \(run.stdout.suffix(3000))\n\(run.stderr.suffix(2000))")
                    _ = try await es.send("POST", "/_refresh")
                    #expect(try await counts() == expected, "after \(what)")
                    if deployment.name != "prod" && arguments[0] == "heal" {
                        #expect(try await es.send("HEAD", "/cloudwatch-prod-nb-words-v1").status == 200,
                                "\(what) leaves the nested prefix's targets alone: \(run.stdout.suffix(2000))")
                    }
                }
            }
            // The nested deployment's own heal did settle its conflict, still without losing a document.
            #expect(try await es.send("HEAD", "/cloudwatch-prod-nb-words-v2").status == 200)

            // Refresh tuning, too, decides only for the deployment's own indices.
            let tune = try await ProcessRunner.run(ProjectPaths.binary, ["refresh-tune", "--dry-run", "--json"], environment: deployments[0].environment)
            #expect(tune.status == 0, "\(tune.stderr.suffix(2000))")
            #expect(tune.stdout.contains("cloudwatch-shared-app") && !tune.stdout.contains("cloudwatch-prod-"), "\(tune.stdout)")
        }
    }
}
