@testable import Engine
import Foundation
import Testing

/// `logstream backfill` end to end: the real binary against moto and osmem.
@Suite(.serialized) struct BackfillIntegrationTests {
    static let groups = ["/aws/lambda/orders-api", "/ecs/web-frontend", "/aws/apigateway/access-logs"]

    func backfill(_ rig: Rig, checkpoint: String, _ extra: [String] = [], groups: [String] = groups) async throws -> ProcessResult {
        try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "6", "--json"] + extra,
                                    environment: rig.environment(groups: groups, checkpointPath: checkpoint))
    }

    func report(_ result: ProcessResult) throws -> [String: JSONValue] {
        let json = try #require(result.json, "\(result.stdout)")
        var byGroup: [String: JSONValue] = [:]
        for group in json["groups"]?.array ?? [] { byGroup[group["group"]?.string ?? ""] = group }
        return byGroup
    }

    @Test func backfillCopiesEveryEventOnceAndRerunsAddNothing() async throws {
        try await Rig.with { rig in
            let seeded = try await rig.seed(groups: Self.groups, days: 5, eventsPerGroup: 7_000)
            #expect(seeded.values.reduce(0, +) >= 20_000)
            let checkpoint = rig.directory + "/state/checkpoints.json"

            let first = try await backfill(rig, checkpoint: checkpoint)
            #expect(first.status == 0, "\(first.stderr)")
            let firstReport = try report(first)
            for group in Self.groups {
                #expect(try await rig.documentCount(group: group) == seeded[group], "group \(group)")
                #expect(firstReport[group]?["created"]?.int == seeded[group])
            }

            let second = try await backfill(rig, checkpoint: checkpoint)
            #expect(second.status == 0, "\(second.stderr)")
            for group in Self.groups {
                #expect(try report(second)[group]?["created"]?.int == 0)
                #expect(try await rig.documentCount(group: group) == seeded[group])
            }

            // Without the checkpoint everything is read again, and nothing is written twice.
            try FileManager.default.removeItem(atPath: checkpoint)
            let third = try await backfill(rig, checkpoint: checkpoint, ["--batch-size", "1000", "--max-in-flight", "4"])
            #expect(third.status == 0, "\(third.stderr)")
            for group in Self.groups {
                #expect(try report(third)[group]?["already_present"]?.int == seeded[group])
                #expect(try await rig.documentCount(group: group) == seeded[group])
            }
        }
    }

    @Test func elasticsearchBackpressureDelaysButLosesNothing() async throws {
        try await Rig.with(esProxy: true) { rig in
            let groups = ["/svc/a", "/svc/b"]
            let seeded = try await rig.seed(groups: groups, days: 2, eventsPerGroup: 1_500)
            try await rig.injectElasticsearchFault(["path": "/_bulk", "count": 3, "status": 429])
            try await rig.injectElasticsearchFault(["path": "/_bulk", "count": 2, "status": 503])
            try await rig.injectElasticsearchFault(["path": "/_bulk", "count": 1, "drop": true])
            let result = try await backfill(rig, checkpoint: rig.directory + "/cp.json", ["--batch-size", "500"], groups: groups)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("bulk retry"))
            for group in groups {
                #expect(try await rig.documentCount(group: group) == seeded[group])
            }
        }
    }

    @Test(arguments: [("read_only_allow_delete", "TOO_MANY_REQUESTS"), ("write", "FORBIDDEN")])
    func aBlockedIndexHoldsTheBackfillUntilItIsWritableAgain(block: String, answer: String) async throws {
        try await Rig.with { rig in
            let group = "/svc/blocked"
            let seeded = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 1_200)
            let es = rig.elasticsearch()
            var environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/cp.json")
            // An earlier run over an empty range has set the group up; now its index is blocked
            // for writes (a full disk's flood-stage block answers each item 429, a write block 403).
            let setup = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--since", "30d", "--until", "20d"], environment: environment)
            #expect(setup.status == 0, "\(setup.stderr)")
            try await es.json("PUT", "/cloudwatch-svc-blocked-v1/_settings", ["index": ["blocks": [block: true]]])
            environment["BACKOFF_MAX_MS"] = "500"
            let backfill = try BackgroundProcess(ProjectPaths.binary, ["backfill", "--days", "2", "--json"], environment: environment)
            #expect(await eventually(seconds: 60) { backfill.stderr.contains("cluster_block_exception") }, "\(backfill.stderr)")
            #expect(backfill.stderr.contains(answer))
            #expect(try await rig.documentCount(group: group) == 0)

            try await es.json("PUT", "/cloudwatch-svc-blocked-v1/_settings", ["index": ["blocks": [block: .null]]])
            #expect(await backfill.waitForExit(seconds: 120) == 0, "\(backfill.stderr)")
            #expect(try await rig.documentCount(group: group) == seeded[group], "\(backfill.stdout) \(backfill.stderr.suffix(3000))")
            #expect(backfill.stdout.contains("\"created\":\(seeded[group] ?? -1)"))
        }
    }

    @Test func cloudWatchThrottlingIsRetried() async throws {
        try await Rig.with { rig in
            let seeded = try await rig.seed(groups: ["/svc/throttled"], days: 1, eventsPerGroup: 2_000)
            try await rig.injectCloudWatchFault(["target": "FilterLogEvents", "count": 3, "type": "ThrottlingException", "message": "Rate exceeded"])
            let result = try await backfill(rig, checkpoint: rig.directory + "/cp.json", groups: ["/svc/throttled"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("ThrottlingException"))
            #expect(try await rig.documentCount(group: "/svc/throttled") == seeded["/svc/throttled"])
        }
    }

    @Test func aMissingGroupIsReportedWithTheFixWhileOthersAreCopied() async throws {
        try await Rig.with { rig in
            let seeded = try await rig.seed(groups: ["/svc/present"], days: 1, eventsPerGroup: 500)
            let result = try await backfill(rig, checkpoint: rig.directory + "/cp.json", groups: ["/svc/present", "/svc/missing"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("/svc/missing"))
            #expect(result.stderr.contains("ResourceNotFoundException"))
            #expect(try await rig.documentCount(group: "/svc/present") == seeded["/svc/present"])
            #expect(try report(result)["/svc/missing"]?["ok"] == false)
        }
    }
}

/// Failures before any data moves: clear messages and the documented exit codes.
@Suite struct StartupErrorTests {
    let base = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s",
                "AWS_REGION": "us-east-1", "LOG_GROUPS": "/a"]

    @Test(arguments: [("BATCH_SIZE", "lots"), ("ES_HOST", "not a url"), ("MAX_IN_FLIGHT", "0"), ("INDEX_PREFIX", "UPPER")])
    func invalidSettingsExitWithStatus2NamingTheVariable(name: String, value: String) async throws {
        var environment = base
        environment[name] = value
        let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1"], environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.contains(name))
        #expect(result.stdout.isEmpty)
    }

    @Test func usageErrorsExitWithStatus2() async throws {
        let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--dayz", "1"], environment: base)
        #expect(result.status == 2)
        #expect(result.stderr.contains("did you mean '--days'"))
    }

    @Test func unreachableElasticsearchNamesTheSetting() async throws {
        var environment = base
        environment["ES_HOST"] = "http://127.0.0.1:9"
        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"
        environment["CHECKPOINT_PATH"] = ProjectPaths.temporaryDirectory("cp") + "/cp.json"
        let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("ES_HOST") || result.stderr.contains("AWS_ENDPOINT_URL"))
    }

    @Test func versionAndHelpSucceed() async throws {
        let version = try await ProcessRunner.run(ProjectPaths.binary, ["--version"], environment: base)
        #expect(version.status == 0 && version.stdout.hasPrefix("logstream "))
        let help = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--help"], environment: base)
        #expect(help.status == 0 && help.stdout.contains("--since"))
    }
}
