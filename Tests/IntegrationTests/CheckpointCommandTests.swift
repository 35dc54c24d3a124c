@testable import Engine
import Foundation
import Testing

/// `logstream checkpoint …` on real files, through the binary.
@Suite struct CheckpointCommandTests {
    let directory = ProjectPaths.temporaryDirectory("checkpoint")
    var path: String { directory + "/state/checkpoints.json" }

    func run(_ arguments: [String]) async throws -> ProcessResult {
        try await ProcessRunner.run(ProjectPaths.binary, ["checkpoint"] + arguments,
                                    environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "CHECKPOINT_PATH": path])
    }

    func seed() async throws {
        let store = try CheckpointStore(path: path)
        try await store.markShipped("/aws/lambda/api", TimeRange(start: 1_714_521_600_000, end: 1_714_608_000_000))
        try await store.advanceStreams("/aws/lambda/api", ["2024/05/01/[$LATEST]abc": StreamCursor(lastTimestamp: 1_714_608_000_000, lastIngestion: 1_714_608_001_000, lagMillis: 4000)])
        try await store.flush()
    }

    @Test func showPrintsATableAndJSON() async throws {
        let empty = try await run(["show"])
        #expect(empty.status == 0 && empty.stdout.contains("no checkpoints"))
        try await seed()
        let table = try await run(["show"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("/aws/lambda/api") && table.stdout.contains("2024-05-02T00:00:00.000Z") && table.stdout.contains("4s"))
        let json = try await run(["show", "--json"])
        let parsed = try #require(json.json, "\(json.stdout)")
        #expect(parsed["groups"]?["/aws/lambda/api"]?["streams"]?["2024/05/01/[$LATEST]abc"]?["lag_ms"] == .number("4000"))
    }

    /// Each group's last 30 days as a bar (oldest left): verified, shipped, partly shipped,
    /// nothing; and how far behind now its tail is. The same in JSON.
    @Test func showDrawsEachGroupsHistoryAndHowFarItsTailIsBehind() async throws {
        let day = WallClock.millisPerDay
        let today = WallClock.nowMillis() / day * day
        let store = try CheckpointStore(path: path)
        // Days -10 … -3 shipped, -6 … -3 of them verified, half of day -2, today's tail 2 hours back.
        try await store.markShipped("/app", TimeRange(start: today - 10 * day, end: today - 2 * day + day / 2))
        try await store.markVerified("/app", stage: "1d", TimeRange(start: today - 6 * day, end: today - 2 * day))
        try await store.advanceStreams("/app", ["s": StreamCursor(lastTimestamp: WallClock.nowMillis() - 2 * 3_600_000, lastIngestion: WallClock.nowMillis(), lagMillis: 1000)])
        try await store.flush()
        let table = try await run(["show"])
        #expect(table.status == 0, "\(table.stderr)")
        let expected = String(repeating: ".", count: 19) + "SSSS" + "VVVV" + "s" + ".."
        let row = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("/app") }, "\(table.stdout)")
        #expect(row.contains(" " + expected + " ") && row.contains(" 2h "), "\(row)")
        #expect(table.stdout.contains("V shipped and verified"))
        let json = try JSONParser().parse(try await run(["show", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let history = try #require(json["groups"]?["/app"]?["history"]?.array)
        #expect(history.count == 30 && history[24]["state"] == "verified" && history[21]["state"] == "shipped" && history[27]["state"] == "partly")
        #expect((json["groups"]?["/app"]?["tail_behind_ms"]?.int ?? 0) >= 2 * 3_600_000)
    }

    @Test func setMovesTheTailAndForgetsShippedRangesAfterIt() async throws {
        try await seed()
        let result = try await run(["set", "/aws/lambda/api", "2024-05-01T12:00:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        let group = await (try CheckpointStore(path: path)).group("/aws/lambda/api")
        #expect(group.tailPosition == 1_714_564_800_000)
        #expect(group.shipped.ranges == [TimeRange(start: 1_714_521_600_000, end: 1_714_564_800_000)])
        let bad = try await run(["set", "/aws/lambda/api", "yesterday-ish"])
        #expect(bad.status == 2 && bad.stderr.contains("invalid TIME"))
    }

    @Test func resetNeedsConfirmationWhenNotInteractive() async throws {
        try await seed()
        let refused = try await run(["reset"])
        #expect(refused.status == 2 && refused.stderr.contains("--yes"))
        #expect(await (try CheckpointStore(path: path)).state.groups.count == 1)
        let done = try await run(["reset", "--yes"])
        #expect(done.status == 0 && done.stdout.contains("reset 1 group"))
        #expect(await (try CheckpointStore(path: path)).state.groups.isEmpty)
    }

    @Test func verifyAcceptsAGoodFileAndSetsADamagedOneAside() async throws {
        try await seed()
        let good = try await run(["verify"])
        #expect(good.status == 0 && good.stdout.contains("ok"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let damaged = try await run(["verify"])
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("damaged checkpoint file"))
        #expect(damaged.stderr.contains("moved to"))
        #expect(!FileManager.default.fileExists(atPath: path))
        let aside = try FileManager.default.contentsOfDirectory(atPath: directory + "/state").filter { $0.contains(".corrupt-") }
        #expect(aside.count == 1)

        // Commands refuse a damaged file rather than silently starting over.
        try bytes.prefix(10).write(to: URL(fileURLWithPath: path))
        let show = try await run(["show"])
        #expect(show.status == 1 && show.stderr.contains("checkpoint reset"))
        let verdict = try await run(["verify", "--json"])
        #expect(verdict.status == 1)
        let report = try #require(verdict.json, "\(verdict.stdout)")
        #expect(report["status"] == "damaged")
        #expect(report["moved_to"]?.string?.contains(".corrupt-") == true)
    }
}
