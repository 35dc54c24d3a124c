@testable import Engine
import Foundation
import Testing

/// Secrets never appear in anything logstream prints — results, logs at debug level,
/// errors, a daemon's output — nor in anything it writes (checkpoints, the seasonal model,
/// dead letters, the metrics file, lease documents), as they are or encoded (base64 of
/// `user:password` as in an Authorization header, percent-encoded as in a URL), whatever
/// goes right or wrong; and its files are private.
@Suite(.serialized) struct SecretsTests {
    static let secrets = [
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1",
        "AWS_SESSION_TOKEN": "FQoGZXIvYXdzEJr//////////wEaDSESSIONTOKEN",
        "ES_PASS": "es-Pa55word-s3cret",
        "ES_API_KEY": "YXBpLWtleS1pZDphcGkta2V5LXNlY3JldA==",
    ]

    @Test func noSecretAppearsInAnyOutputOfAnyCommand() async throws {
        try await Rig.with(esAuth: "basic:logstream:\(Self.secrets["ES_PASS"]!)") { rig in
            let group = "/secret/app"
            _ = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 300)
            var captured: [String] = []
            func run(_ arguments: [String], _ overrides: [String: String] = [:]) async throws {
                var environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/state/cp.json")
                environment.merge(Self.secrets) { $1 }
                environment["ES_USER"] = "logstream"
                environment.removeValue(forKey: "ES_API_KEY")
                environment.merge(overrides) { $1 }
                let result = try await ProcessRunner.run(ProjectPaths.binary, arguments + ["--log-level", "debug"], environment: environment)
                captured.append("$ \(arguments.joined(separator: " ")) → \(result.status)\n\(result.stdout)\n\(result.stderr)")
            }
            try await run(["backfill", "--days", "2", "--json"])
            try await run(["tail", "--json"])
            try await run(["reconcile", "--days", "2", "--json"])
            try await run(["heal", "--dry-run", "--json"])
            try await run(["refresh-tune", "--dry-run"])
            try await run(["checkpoint", "show", "--json"])
            // Failures: a wrong password, an API key refused, credentials in the URL, a bad setting next to secrets.
            try await run(["backfill", "--days", "1"], ["ES_PASS": "wrong-" + Self.secrets["ES_PASS"]!])
            try await run(["backfill", "--days", "1"], ["ES_API_KEY": Self.secrets["ES_API_KEY"]!])
            try await run(["backfill", "--days", "1"], ["ES_HOST": rig.elasticsearchURL.replacingOccurrences(of: "http://", with: "http://logstream:\(Self.secrets["ES_PASS"]!)@")])
            try await run(["backfill", "--days", "1"], ["ES_HOST": "http://u:\(Self.secrets["ES_PASS"]!)@127.0.0.1:9"])
            try await run(["backfill", "--days", "1"], ["BATCH_SIZE": "many"])
            try await run(["backfill", "--days", "1"], ["ES_PASS": ""])
            try await run(["backfill", "--days", "1"], ["AWS_ENDPOINT_URL": "http://127.0.0.1:9", "HTTP_TIMEOUT_SECS": "1", "BACKOFF_MAX_MS": "50"])
            // The daemon, sharing groups through leases in Elasticsearch and writing metrics.
            var daemonEnvironment = rig.environment(groups: [group], checkpointPath: rig.directory + "/state/cp.json")
            daemonEnvironment.merge(Self.secrets) { $1 }
            daemonEnvironment.removeValue(forKey: "ES_API_KEY")
            daemonEnvironment["ES_USER"] = "logstream"
            daemonEnvironment["COORDINATION"] = "elasticsearch"
            daemonEnvironment["POLL_INTERVAL_SECS"] = "1"
            daemonEnvironment["METRICS_FILE"] = rig.directory + "/state/metrics.prom"
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow", "--log-level", "debug"], environment: daemonEnvironment)
            #expect(await eventually(seconds: 60, watching: daemon) { FileManager.default.fileExists(atPath: rig.directory + "/state/metrics.prom") })
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 40) == 0, "\(daemon.stderr.suffix(2000))")
            captured.append("$ tail --follow\n\(daemon.stdout)\n\(daemon.stderr)")

            // Every file logstream wrote, and the documents it keeps in Elasticsearch's state index.
            var written: [String] = []
            let state = rig.directory + "/state"
            for name in try FileManager.default.contentsOfDirectory(atPath: state) {
                written.append("file \(name): " + ((try? String(contentsOfFile: state + "/" + name, encoding: .utf8)) ?? ""))
            }
            #expect(written.contains { $0.hasPrefix("file cp.json") } && written.contains { $0.hasPrefix("file metrics.prom") }, "\(written.map { $0.prefix(40) })")
            let leases = try await rig.elasticsearch().send("POST", "/cloudwatch-logstream-state/_search?size=1000")
            let leaseText = String(decoding: leases.body, as: UTF8.self)
            #expect(leaseText.contains("\"lease\""), "\(leaseText)")
            written.append("state index: " + leaseText)

            let everything = (captured + written).joined(separator: "\n")
            #expect(everything.contains("401"))
            for (name, form) in Self.forms() {
                #expect(!everything.contains(form), "\(name) leaked:\n\(everything.components(separatedBy: "\n").filter { $0.contains(form) }.prefix(5).joined(separator: "\n"))")
            }
            Soak.record(Soak.Entry(test: "secrets", badInputs: captured.count))
        }
    }

    /// Each secret as it is and in the encodings it travels in.
    static func forms() -> [(String, String)] {
        var forms: [(String, String)] = []
        for (name, secret) in secrets {
            forms.append((name, secret))
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
                forms.append((name + " (percent-encoded)", encoded))
            }
        }
        forms.append(("ES_PASS (base64 of user:password)", Data("logstream:\(secrets["ES_PASS"]!)".utf8).base64EncodedString()))
        forms.append(("AWS_SECRET_ACCESS_KEY (base64)", Data(secrets["AWS_SECRET_ACCESS_KEY"]!.utf8).base64EncodedString()))
        return forms
    }

    @Test func checkpointAndDeadLetterFilesArePrivate() async throws {
        let directory = ProjectPaths.temporaryDirectory("private")
        let store = try CheckpointStore(path: directory + "/cp.json")
        try await store.markShipped("/g", TimeRange(start: 0, end: 1000))
        let letters = DeadLetterFile(path: directory + "/dead-letter.ndjson")
        try await letters.record(LogDocument(id: "i", index: "x", logGroup: "/g", timestamp: 0, source: Array("{}".utf8)),
                                 status: 400, errorType: "mapper_parsing_exception", reason: "test")
        for file in ["cp.json", "dead-letter.ndjson"] {
            let mode = try FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file) has mode \(String(mode ?? 0, radix: 8))")
        }
    }
}
