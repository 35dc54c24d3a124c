@testable import Engine
import Foundation
import Testing
import TestSupport

/// The daemon's HTTP endpoint (METRICS_ADDR) as Prometheus and Kubernetes use it: scraped
/// and parsed by prometheus-client's own text parser, probed while the daemon ships, while
/// its writes are held on purpose (not ready, still healthy), and after; probed while idle
/// connections crowd it and while the process is frozen; never showing a secret. (A daemon whose own tasks stop is judged
/// by `ServedStatus`' staleness and `DaemonHealth`'s tail rule: StatusServerTests, with a
/// clock, since nothing outside the process can wedge its tasks.)
@Suite(.serialized) struct StatusEndpointIntegrationTests {
    static let password = "S3cret-Endpoint-Pw"

    @Test func scrapedParsedAndNotReadyWhileWritesAreHeld() async throws {
        try await Rig.with(esAuth: "basic:logstream:\(Self.password)") { rig in
            let groups = ["/status/a", "/status/b"]
            for group in groups { try await rig.put(group: group, events: [(WallClock.nowMillis(), "first", "s")]) }
            var environment = rig.environment(groups: groups, checkpointPath: rig.directory + "/state/cp.json")
            environment["ES_USER"] = "logstream"
            environment["ES_PASS"] = Self.password
            environment["METRICS_ADDR"] = "127.0.0.1:0"
            environment["POLL_INTERVAL_SECS"] = "1"
            environment["HTTP_TIMEOUT_SECS"] = "2"
            environment["BACKOFF_MAX_MS"] = "500"
            environment["BACKFILL_DAYS"] = "0"
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            defer { daemon.signal(SIGKILL) }
            var base = ""
            #expect(await eventually(seconds: 30, watching: daemon) {
                guard let address = Self.listeningAddress(daemon.stderr) else { return false }
                base = "http://\(address)"
                return true
            }, "\(daemon.stderr.suffix(2000))")
            try #require(!base.isEmpty)

            // Ready once both services are reached; healthy throughout.
            #expect(try await eventually(seconds: 60, watching: daemon) { try await rig.scrape(base + "/readyz")["status"]?.int == 200 },
                    "\(daemon.stderr.suffix(2000))")
            #expect(try await rig.scrape(base + "/healthz")["status"]?.int == 200)
            for group in groups {
                #expect(try await eventually(seconds: 60, watching: daemon) { try await rig.documentCount(group: group) == 1 })
            }

            // /metrics through prometheus-client's parser: the daemon's series and the process's.
            var families: JSONValue = .null
            #expect(try await eventually(seconds: 30, watching: daemon) {
                let scraped = try await rig.scrape(base + "/metrics")
                families = scraped["families"] ?? .null
                return Self.sample(families, "logstream_documents_created", labels: ["group": "/status/a"]) == 1
                    && Self.sample(families, "logstream_documents_created", labels: ["group": "/status/b"]) == 1
            }, "\(families)")
            #expect(families["logstream_documents_created"]?["type"]?.string == "gauge")
            #expect(families["process_cpu_seconds"]?["type"]?.string == "counter", "process metrics as client libraries name them")
            #expect((Self.sample(families, "process_resident_memory_bytes") ?? 0) > 1_000_000)
            #expect((Self.sample(families, "process_open_fds") ?? 0) > 0)
            #expect(Self.sample(families, "logstream_ready") == 1)
            #expect(Self.sample(families, "logstream_healthy") == 1)
            #expect((Self.sample(families, "logstream_status_age_seconds") ?? -1) >= 0)

            // Idle connections crowd the endpoint: a probe still gets its answer.
            let idle = try (0..<3 * StatusServer.maxConnections).map { _ in try LoopbackSocket.connect(port: Int(base.split(separator: ":").last!)!) }
            defer { idle.forEach { close($0) } }
            #expect(try await rig.scrape(base + "/healthz")["status"]?.int == 200, "a probe behind \(idle.count) idle connections")

            // Writes held on purpose (every answer held past the request timeout): the daemon
            // is not ready, and says why, while it stays healthy — a service that does not
            // answer is no reason to restart it. Once the writes go through it is ready again.
            try await rig.injectElasticsearchFault(["path": "/_bulk", "count": 10_000, "hold_ms": 600_000])
            var written = 1
            var notReady: JSONValue = .null
            #expect(try await eventually(seconds: 120, watching: daemon) {
                for group in groups { try await rig.put(group: group, events: [(WallClock.nowMillis(), "held \(written)", "s")]) }
                written += 1
                notReady = try await rig.scrape(base + "/readyz")
                return notReady["status"]?.int == 503
            }, "\(notReady) \(daemon.stderr.suffix(3000))")
            #expect(notReady["body"]?.string?.contains("elasticsearch: requests fail again and again") == true, "\(notReady)")
            let healthWhileHeld = try await rig.scrape(base + "/healthz")
            #expect(healthWhileHeld["status"]?.int == 200, "\(healthWhileHeld)")
            // The metrics say the same (from a publication of their own, a few seconds apart).
            var heldFamilies: JSONValue = .null
            #expect(try await eventually(seconds: 60, watching: daemon) {
                heldFamilies = try await rig.scrape(base + "/metrics")["families"] ?? .null
                return Self.sample(heldFamilies, "logstream_ready") == 0
            }, "\(heldFamilies)")
            #expect(Self.sample(heldFamilies, "logstream_healthy") == 1)

            try await rig.clearElasticsearchFaults()
            #expect(try await eventually(seconds: 120, watching: daemon) {
                try await rig.scrape(base + "/readyz")["status"]?.int == 200
            }, "\(daemon.stderr.suffix(3000))")
            for group in groups {
                #expect(try await eventually(seconds: 120, watching: daemon) { try await rig.documentCount(group: group) == written })
            }

            // The whole process frozen (SIGSTOP): a probe gets no answer within its timeout,
            // which is how Kubernetes counts a failed liveness probe; thawed, it answers again.
            daemon.signal(SIGSTOP)
            let frozen = try await rig.helper(["scrape", "--url", base + "/healthz", "--timeout", "2"])
            daemon.signal(SIGCONT)
            #expect(frozen["status"] == .null && frozen["error"]?.string != nil, "\(frozen)")
            #expect(try await eventually(seconds: 30, watching: daemon) { try await rig.scrape(base + "/healthz")["status"]?.int == 200 })

            // Nothing the endpoint serves shows a secret.
            for path in ["/metrics", "/healthz", "/readyz", "/", "/debug"] {
                let answer = try await rig.scrape(base + path)
                #expect(!"\(answer)".contains(Self.password), "\(path) shows the Elasticsearch password")
                #expect(!"\(answer)".contains("testing"), "\(path) shows the AWS secret key")
            }
            #expect(try await rig.scrape(base + "/debug")["status"]?.int == 404)

            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 40) == 0)
            for group in groups {
                let (count, distinct) = try await rig.countAndDistinct(group: group)
                #expect(count == written && distinct == written, "\(group)")
            }
        }
    }

    @Test func anAddressInUseIsRefusedNamingTheSetting() async throws {
        try await Rig.with { rig in
            var environment = rig.environment(groups: ["/status/none"], checkpointPath: rig.directory + "/state/cp.json")
            let taken = try LoopbackSocket.listen()
            defer { close(taken.fd) }
            environment["METRICS_ADDR"] = "127.0.0.1:\(taken.port)"
            let result = try await ProcessRunner.run(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("METRICS_ADDR 127.0.0.1:\(taken.port)") && result.stderr.contains("cannot listen"), "\(result.stderr)")

            environment["METRICS_ADDR"] = "9464"
            let bad = try await ProcessRunner.run(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            #expect(bad.status == 2 && bad.stderr.contains("invalid METRICS_ADDR"), "\(bad.stderr)")
        }
    }

    // MARK: - Helpers

    /// The address from the daemon's "status endpoint listening" line.
    static func listeningAddress(_ log: String) -> String? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("status endpoint listening") }),
              let range = line.range(of: #"address=\"?[0-9.]+:[0-9]+"#, options: .regularExpression) else { return nil }
        return String(line[range].dropFirst("address=".count)).replacingOccurrences(of: "\"", with: "")
    }

    /// The value of the sample `name` with these labels (exactly), from parsed families.
    static func sample(_ families: JSONValue, _ name: String, labels: [String: String] = [:]) -> Double? {
        for family in (families.members ?? []).map(\.value) {
            for sample in family["samples"]?.array ?? [] where sample[0]?.string == name {
                let sampleLabels = Dictionary(uniqueKeysWithValues: (sample[1]?.members ?? []).map { ($0.key, $0.value.string ?? "") })
                if sampleLabels == labels { return sample[2]?.double }
            }
        }
        return nil
    }
}

extension Rig {
    /// GETs logstream's endpoint through rig/scrape.py (prometheus-client parses /metrics).
    func scrape(_ url: String) async throws -> JSONValue {
        try await helper(["scrape", "--url", url])
    }
}
