@testable import Engine
import Foundation
import Testing
import TestSupport

/// SIGKILL mid-bulk, mid-checkpoint-write and anywhere else, then a restart: the end state
/// holds every CloudWatch event id exactly once. A kill counts only when the process was
/// still running and had made progress (documents stored or checkpoint moved) since it
/// started; the seed of every random choice is in each failure message.
@Suite(.serialized) struct CrashSafetyTests {
    enum KillPoint: String, CaseIterable {
        /// While a bulk request's write has happened and its answer is held by the proxy.
        case midBulk = "mid-bulk"
        /// While the checkpoint's temporary file exists (written, not yet renamed).
        case midCheckpointWrite = "mid-checkpoint-write"
        /// A seeded random moment after the first progress.
        case anywhere
    }

    /// What moved since a process started: documents stored and the checkpoint's bytes.
    struct Progress: Equatable {
        var documents: Int
        var checkpoint: Data?
    }

    func progress(_ rig: Rig, groups: [String], checkpoint: String) async throws -> Progress {
        var documents = 0
        _ = try await rig.elasticsearch().send("POST", "/cloudwatch-*/_refresh")
        for group in groups { documents += try await rig.documentCount(group: group) }
        return Progress(documents: documents, checkpoint: FileManager.default.contents(atPath: checkpoint))
    }

    /// Spins until the checkpoint's temporary file of process `pid` exists (deadline in
    /// seconds); true when it was seen. A busy loop on purpose: the file lives for a
    /// fraction of a millisecond.
    static func awaitTemporaryCheckpoint(_ checkpoint: String, pid: Int32, seconds: Double) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let deadline = Date().addingTimeInterval(seconds)
                while Date() < deadline {
                    for _ in 0..<200 where temporaryCheckpointExists(checkpoint) {
                        continuation.resume(returning: true)
                        return
                    }
                    if kill(pid, 0) != 0 { break }
                }
                continuation.resume(returning: false)
            }
        }
    }

    /// Whether a temporary file of a checkpoint write (`cp.json.tmp-<random>`) is there now:
    /// only the run under test writes this checkpoint.
    static func temporaryCheckpointExists(_ checkpoint: String) -> Bool {
        let directory = (checkpoint as NSString).deletingLastPathComponent
        let prefix = (checkpoint as NSString).lastPathComponent + ".tmp-"
        guard let listing = opendir(directory) else { return false }
        defer { closedir(listing) }
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name.hasPrefix(prefix) { return true }
        }
        return false
    }

    @Test func backfillKilledAgainAndAgainEndsWithEveryEventExactlyOnce() async throws {
        try await Rig.with(esProxy: true) { rig in
            let groups = (0..<Soak.scale(ci: 3, soak: 4)).map { "/crash/group-\($0)" }
            let kills = Soak.scale(ci: 6, soak: 15)
            _ = try await rig.seed(groups: groups, days: 3, eventsPerGroup: Soak.scale(ci: 8_000, soak: 15_000))
            let checkpoint = rig.directory + "/state/cp.json"
            var environment = rig.environment(groups: groups, checkpointPath: checkpoint)
            environment["HTTP_TIMEOUT_SECS"] = "60"
            // Small, slow bulks (below): a run lasts long enough for every kill to find it working.
            for name in ["MAX_IN_FLIGHT", "ADAPTIVE_MAX_IN_FLIGHT"] { environment[name] = "2" }
            environment["ADAPTIVE_MAX_BATCH_SIZE"] = "200"
            var random = SeededGenerator()
            var counted: [KillPoint: Int] = [:]
            var landedMidWrite = 0
            var history: [String] = []
            for attempt in 0..<kills {
                let point = KillPoint.allCases[attempt % KillPoint.allCases.count]
                // Each bulk takes a while, so a run is still going when the kill comes.
                let slow: JSONValue = ["path": "/_bulk", "count": 100_000, "status": 0, "delay_ms": 200]
                try await rig.clearElasticsearchFaults()
                try await rig.injectElasticsearchFault(slow)
                let heldBefore = try await rig.firedElasticsearchFaults()["hold"] ?? 0
                let before = try await progress(rig, groups: groups, checkpoint: checkpoint)
                let run = try BackgroundProcess(ProjectPaths.binary, ["backfill", "--days", "4", "--batch-size", "200"], environment: environment)
                switch point {
                case .midBulk:
                    // Once this run has stored documents of its own, hold one of its next bulk answers.
                    #expect(try await eventually(seconds: 90, watching: run) { try await progress(rig, groups: groups, checkpoint: checkpoint).documents > before.documents })
                    try await rig.clearElasticsearchFaults()
                    try await rig.injectElasticsearchFault(["path": "/_bulk", "after": .int(Int.random(in: 0...2, using: &random)), "count": 1, "hold_ms": 30_000])
                    try await rig.injectElasticsearchFault(slow)
                    #expect(try await eventually(seconds: 90, watching: run) { try await rig.firedElasticsearchFaults()["hold"] ?? 0 > heldBefore },
                            "no bulk request was held (attempt \(attempt), \(random)): \(run.stderr.suffix(1500))")
                case .midCheckpointWrite:
                    // A write that records progress: after documents were stored.
                    #expect(try await eventually(seconds: 90, watching: run) { try await progress(rig, groups: groups, checkpoint: checkpoint).documents > before.documents })
                    let seen = await Self.awaitTemporaryCheckpoint(checkpoint, pid: run.process.processIdentifier, seconds: 90)
                    #expect(seen, "no checkpoint write seen (attempt \(attempt), \(random)): \(run.stderr.suffix(1500))")
                case .anywhere:
                    #expect(try await eventually(seconds: 90, watching: run) { try await progress(rig, groups: groups, checkpoint: checkpoint) != before })
                    try await Task.sleep(nanoseconds: UInt64(Int.random(in: 0...1_500, using: &random)) * 1_000_000)
                }
                let running = run.process.isRunning
                run.signal(SIGKILL)
                _ = await run.waitForExit(seconds: 10)
                let leftTemporary = Self.temporaryCheckpointExists(checkpoint)
                let moved = try await progress(rig, groups: groups, checkpoint: checkpoint) != before
                history.append("\(point.rawValue): running \(running), progress \(moved), temporary file left \(leftTemporary)")
                if running && moved {
                    counted[point, default: 0] += 1
                    if leftTemporary { landedMidWrite += 1 }
                }
                let verify = try await ProcessRunner.run(ProjectPaths.binary, ["checkpoint", "verify"], environment: environment)
                #expect(verify.status == 0, "checkpoint damaged after a kill \(point.rawValue) (\(random)): \(verify.stderr)")
            }
            try await rig.clearElasticsearchFaults()
            let last = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "4", "--json"], environment: environment)
            #expect(last.status == 0, "\(last.stderr.suffix(2000))")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: rig.directory + "/state").filter { $0.contains(".tmp-") }
            #expect(leftovers.isEmpty, "temporary files of killed runs are cleared at the next start: \(leftovers)")
            // Every planned kill hit a running process that had made progress.
            #expect(counted.values.reduce(0, +) == kills, "kills that counted: \(counted); \(history) (\(random))")
            var comparisons: [IDComparison] = []
            for group in groups {
                let comparison = try await rig.compareIDs(group: group)
                #expect(comparison.isExact, "\(group): \(comparison); kills: \(history) (\(random))")
                comparisons.append(comparison)
            }
            print("crash safety (backfill): kills \(counted.map { "\($0.key.rawValue) \($0.value)" }.sorted()), "
                  + "\(landedMidWrite) of them left a checkpoint half-written (the old one was still read), \(random)")
            Soak.record(Soak.entry("backfill kills", comparisons, kills: counted.values.reduce(0, +)))
        }
    }

    /// The daemon killed while events arrive; restarted, it catches up by itself (no
    /// plain run afterwards to mend what it missed).
    @Test func theDaemonKilledWhileEventsArriveLosesNothing() async throws {
        try await Rig.with { rig in
            let group = "/crash/live"
            let checkpoint = rig.directory + "/state/cp.json"
            var environment = rig.environment(groups: [group], checkpointPath: checkpoint)
            environment["POLL_INTERVAL_SECS"] = "1"
            environment["BACKFILL_DAYS"] = "1"
            var random = SeededGenerator()
            var killed = 0
            var history: [String] = []
            func put(_ round: Int) async throws {
                let batch = (0..<200).map { (WallClock.nowMillis() - 30_000 + EpochMillis($0), "round \(round) event \($0)", "s\(round % 2)") }
                try await rig.put(group: group, events: batch)
            }
            let rounds = Soak.scale(ci: 3, soak: 8)
            for round in 0..<rounds {
                let before = try await progress(rig, groups: [group], checkpoint: checkpoint)
                let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
                try await put(round)
                #expect(try await eventually(seconds: 90, watching: daemon) { try await progress(rig, groups: [group], checkpoint: checkpoint) != before },
                        "round \(round): no progress (\(random)): \(daemon.stderr.suffix(1500))")
                try await Task.sleep(nanoseconds: UInt64(Int.random(in: 0...1_500, using: &random)) * 1_000_000)
                let running = daemon.process.isRunning
                daemon.signal(SIGKILL)
                _ = await daemon.waitForExit(seconds: 10)
                history.append("round \(round): running \(running)")
                if running { killed += 1 }
            }
            #expect(killed == rounds, "\(history) (\(random))")
            // Restarted as a service manager would: it finds what the kills interrupted.
            try await put(rounds)
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            var comparison = try await rig.compareIDs(group: group)
            let settled = try await eventually(seconds: 120, watching: daemon) {
                comparison = try await rig.compareIDs(group: group)
                return comparison.isExact
            }
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 60) == 0, "\(daemon.stderr.suffix(1500))")
            #expect(settled, "\(comparison) (\(random)): \(daemon.stderr.suffix(1500))")
            #expect(comparison.cloudWatch == 200 * (rounds + 1))
            Soak.record(Soak.entry("daemon kills", [comparison], kills: killed))
        }
    }
}
