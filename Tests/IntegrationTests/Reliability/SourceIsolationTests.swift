@testable import Engine
import Foundation
import Testing

/// One broken `[[source]]` — its profile's credential_process exits 1 — stops no other
/// source: `backfill` ships the others and fails naming the broken one and its fix, and the
/// daemon keeps running and tailing the others.
@Suite(.serialized) struct SourceIsolationTests {
    @Test func aBrokenSourceIsReportedAndTheOthersKeepShipping() async throws {
        try await Rig.with { rig in
            let group = "/isolated/app"
            let home = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 120, seed: 1)[group] ?? 0
            let europe = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 80, seed: 2, region: "eu-west-1")[group] ?? 0
            let aws = rig.directory + "/aws"
            try FileManager.default.createDirectory(atPath: aws, withIntermediateDirectories: true)
            try """
                [profile broken]
                credential_process = sh -c 'echo "token expired: run the SSO login" >&2; exit 1'
                """.write(toFile: aws + "/config", atomically: true, encoding: .utf8)
            var environment = try rig.environment(groups: [group], sources: """
                [[source]]
                name = "europe"
                region = "eu-west-1"
                log_groups = ["\(group)"]

                [[source]]
                name = "broken"
                region = "eu-central-1"
                log_groups = ["/anything"]
                profile = "broken"
                """)
            environment["AWS_CONFIG_FILE"] = aws + "/config"
            environment["POLL_INTERVAL_SECS"] = "1"
            let es = rig.elasticsearch()
            func count(region: String) async throws -> Int {
                try await es.count("cloudwatch-*", query: ["bool": ["filter": [["term": ["aws.cloudwatch.log_group": .string(group)]],
                                                                             ["term": ["cloud.region": .string(region)]]]]])
            }

            let backfill = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "2"], environment: environment)
            #expect(backfill.status == 1, "a source was left out: \(backfill.stderr.suffix(2000))")
            #expect(backfill.stderr.contains("broken") && backfill.stderr.contains("token expired"), "\(backfill.stderr.suffix(2000))")
            _ = try await es.send("POST", "/_refresh")
            #expect(try await count(region: "us-east-1") == home)
            #expect(try await count(region: "eu-west-1") == europe)

            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            let now = WallClock.nowMillis()
            try await rig.put(group: group, events: [(now - 1000, "europe live", "live")], region: "eu-west-1")
            let arrived = try await eventually(seconds: 60, watching: daemon) {
                _ = try await es.send("POST", "/_refresh")
                return try await count(region: "eu-west-1") == europe + 1
            }
            #expect(arrived, "the daemon tails the healthy sources: \(daemon.stderr.suffix(3000))")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 45) == 0, "\(daemon.stderr.suffix(3000))")
            #expect(daemon.stderr.contains("source left out for now") && daemon.stderr.contains("retry_in_s"), "\(daemon.stderr.suffix(3000))")
        }
    }
}

/// A `[[source]]` naming the default source's own account and region would store every
/// event of a group in both twice (under two keys): it is read once, with a warning.
@Suite(.serialized) struct DefaultSourceOverlapTests {
    @Test func aSourceOfTheDefaultAccountAndRegionIsReadOnce() async throws {
        try await Rig.with { rig in
            let group = "/overlap/app"
            let seeded = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 90, seed: 4)[group] ?? 0
            let environment = try rig.environment(groups: [group], sources: """
                [[source]]
                name = "same-as-default"
                region = "us-east-1"
                log_groups = ["/overlap/*"]
                """)
            let backfill = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "2"], environment: environment)
            #expect(backfill.status == 0, "\(backfill.stderr.suffix(2000))")
            #expect(backfill.stderr.contains("read once, as the default source's") && backfill.stderr.contains(group), "\(backfill.stderr.suffix(2000))")
            let (count, distinct) = try await rig.countAndDistinctIDs(group: group)
            #expect(count == seeded && distinct == seeded, "\(count) documents of \(seeded) events")
        }
    }
}

extension Rig {
    /// The environment of a deployment whose config.toml holds `sources` (`[[source]]`
    /// tables), with instance metadata off so that no credential step waits for it.
    func environment(groups: [String], sources: String) throws -> [String: String] {
        let config = directory + "/config.toml"
        try sources.write(toFile: config, atomically: true, encoding: .utf8)
        var environment = environment(groups: groups, checkpointPath: directory + "/state/cp.json")
        environment["LOGSTREAM_CONFIG"] = config
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        return environment
    }
}
