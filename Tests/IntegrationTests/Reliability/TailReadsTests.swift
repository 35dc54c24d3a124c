@testable import Engine
import Foundation
import Testing

/// What the tail reads per event it stores. One stream ten minutes late among ten on-time
/// ones measured a window of TAIL_MAX_OVERLAP_SECS for the whole group, and every pass read
/// it again: each on-time event was read once per pass for fifteen minutes. Now the late
/// stream is read on its own and the group is read from just behind its newest event, with
/// a sweep of its (one-minute) window every 45 s. Events become readable two seconds
/// after CloudWatch ingests them, as with CloudWatch: the passes between sweeps still ship
/// every on-time event (verification is off here).
@Suite(.serialized) struct TailReadsTests {
    @Test func oneLateStreamDoesNotMakeEveryPassReadTheWholeGroupAgain() async throws {
        try await Rig.with { rig in
            let group = "/reads/app"
            let metricsFile = rig.directory + "/metrics.prom"
            var environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/state/cp.json")
            environment["POLL_INTERVAL_SECS"] = "1"
            environment["BACKFILL_DAYS"] = "0"
            environment["RECONCILE_INTERVAL_SECS"] = "86400"
            environment["METRICS_FILE"] = metricsFile
            func round(_ number: Int) -> [(offset: EpochMillis, message: String, stream: String)] {
                (0..<10).map { (EpochMillis($0), "on time \(number)-\($0)", "stream-\($0)") } + [(-600_000, "late \(number)", "batch")]
            }
            let cloudWatch = ElasticsearchClient(transport: CurlTransport.shared, baseURL: rig.cloudWatchURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 10)
            try await cloudWatch.json("POST", "/_rig/readable", ["delay_ms": 2_000])
            try await rig.put(group: group, stampedAtSend: round(0))
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            var onTime = 10
            for number in 1...50 {
                try await rig.put(group: group, stampedAtSend: round(number))
                onTime += 10
                try await Task.sleep(nanoseconds: 500_000_000)
            }
            let es = rig.elasticsearch()
            func storedOnTime() async throws -> Int {
                _ = try await es.send("POST", "/cloudwatch-*/_refresh")
                return try await es.count("cloudwatch-*", query: ["bool": ["filter": [["term": ["aws.cloudwatch.log_group": .string(group)]],
                                                                                      ["prefix": ["aws.cloudwatch.log_stream": "stream-"]]]]])
            }
            #expect(try await eventually(seconds: 120, watching: daemon) { try await storedOnTime() == onTime }, "\(daemon.stderr.suffix(2000))")
            let stored = try await rig.documentCount(group: group)
            func metric(_ line: String) -> Double? {
                let text = (try? String(contentsOfFile: metricsFile, encoding: .utf8)) ?? ""
                return text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            // The metrics file is written every 10 s: wait for one that counts every document.
            let created = "logstream_documents_created{group=\"\(group)\"}"
            #expect(await eventually(seconds: 60, watching: daemon) { Int(metric(created) ?? 0) >= stored }, "\(daemon.stderr.suffix(2000))")
            let read = try #require(metric("logstream_cloudwatch_events_read{purpose=\"tail\"}"))
            let perEvent = read / Double(stored)
            print("tail reads per stored event with one late stream: \(String(format: "%.1f", perEvent)) (\(Int(read)) read, \(stored) stored)")
            // About 2 × lag + 5 s of passes a second apart, 1.3 sweeps and the late stream's own
            // reads: under ten. Before, every pass read everything since the start: over twenty.
            #expect(perEvent <= 12, "each stored event was read \(perEvent) times")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 45) == 0)
        }
    }
}
