import Engine
import Foundation
import Testing

/// Secrets never appear in anything logstream prints — results, logs at debug level,
/// errors — whatever goes right or wrong; and its files are private.
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
                var environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/cp.json")
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
            let everything = captured.joined(separator: "\n")
            #expect(everything.contains("401"))
            for (name, secret) in Self.secrets {
                #expect(!everything.contains(secret), "\(name) leaked:\n\(everything.components(separatedBy: "\n").filter { $0.contains(secret) }.prefix(5).joined(separator: "\n"))")
            }
            Soak.record(Soak.Entry(test: "secrets", badInputs: captured.count))
        }
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
