@testable import Engine
import Foundation
import Testing

/// `logstream refresh-tune` against the real engine: recent indices hot, old ones cold.
@Suite(.serialized) struct RefreshTuneIntegrationTests {
    func tune(_ rig: Rig, _ groups: [String], _ extra: [String]) async throws -> (ProcessResult, JSONValue?) {
        return try await ProcessRunner.logstream(["refresh-tune", "--json"] + extra, environment: rig.environment(groups: groups, checkpointPath: rig.directory + "/cp.json"))
    }

    func interval(_ rig: Rig, _ index: String) async throws -> String? {
        let settings = try await rig.elasticsearch().json("GET", "/\(index)/_settings?flat_settings=true")
        return settings[index]?["settings"]?["index.refresh_interval"]?.string
    }

    @Test func recentIndicesAreHotOldOnesColdAndOnlyDifferencesAreApplied() async throws {
        try await Rig.with { rig in
            let now = WallClock.nowMillis()
            try await rig.put(group: "/tune/fresh", events: (0..<20).map { (now - 3_600_000 + EpochMillis($0), "fresh \($0)", "s") })
            try await rig.put(group: "/tune/old", events: (0..<20).map { (now - 12 * WallClock.millisPerDay + EpochMillis($0), "old \($0)", "s") })
            let groups = ["/tune/fresh", "/tune/old"]
            let backfill = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "14"],
                                                       environment: rig.environment(groups: groups, checkpointPath: rig.directory + "/cp.json"))
            #expect(backfill.status == 0, "\(backfill.stderr)")

            let (dry, plan) = try await tune(rig, groups, ["--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            let planned = plan?["indices"]?.array ?? []
            #expect(planned.first { $0["index"]?.string == "cloudwatch-tune-fresh-v1" }?["state"]?.string == "hot")
            #expect(planned.first { $0["index"]?.string == "cloudwatch-tune-old-v1" }?["state"]?.string == "cold")
            #expect(planned.allSatisfy { $0["action"]?.string == "would set" || $0["action"]?.string == "unchanged" })
            #expect(try await interval(rig, "cloudwatch-tune-old-v1") == nil)

            let (apply, applied) = try await tune(rig, groups, ["--hot-refresh-interval", "2s"])
            #expect(apply.status == 0, "\(apply.stderr)")
            #expect(applied?["indices"]?.array?.count == 2)
            #expect(try await interval(rig, "cloudwatch-tune-old-v1") == "30s")
            #expect(try await interval(rig, "cloudwatch-tune-fresh-v1") == "2s")

            let (again, unchanged) = try await tune(rig, groups, ["--hot-refresh-interval", "2s"])
            #expect(again.status == 0)
            let unchangedIndices = try #require(unchanged?["indices"]?.array)
            #expect(unchangedIndices.count == 2 && unchangedIndices.allSatisfy { $0["action"]?.string == "unchanged" }, "\(unchangedIndices)")
        }
    }
}
