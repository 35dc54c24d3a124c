@testable import Engine
import Foundation
import Testing

/// Bad input of every kind gets a clear error or a safe document — never a crash, never
/// a silent loss.
@Suite(.serialized) struct BadInputTests {
    let base = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s",
                "AWS_REGION": "us-east-1", "LOG_GROUPS": "/a", "ES_HOST": "http://127.0.0.1:9", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"]

    /// Values each kind of setting must refuse.
    static func invalid(_ spec: SettingSpec) -> [String] {
        switch spec.kind {
        case .integer(let low, let high): return ["many", "1.5", String(low - 1), String(high) + "0"]
        case .boolean: return ["maybe", "2"]
        case .url: return ["not a url", "ftp://host", "localhost:9200"]
        case .timeValue: return ["fast", "10 s", "-2"]
        case .choice: return ["bogus"]
        default: return []
        }
    }

    @Test func everyInvalidSettingValueStopsWithStatus2NamingTheVariable() async throws {
        var tried = 0
        for spec in SettingsCatalog.all {
            let values = Self.invalid(spec) + (spec.name == "INDEX_PREFIX" ? ["UPPER", "_x", "a b"] : [])
                + (spec.name == "JSON_FIELD" ? ["message", "_x", "aws.x"] : [])
            for value in values {
                var environment = base
                environment[spec.name] = value
                environment["CHECKPOINT_PATH"] = ProjectPaths.temporaryDirectory("bad") + "/cp.json"
                // No options: they would stand in for the variables they set.
                let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill"], environment: environment)
                #expect(result.status == 2, "\(spec.name)=\(value): \(result.stderr)")
                #expect(result.stderr.contains(spec.name), "\(spec.name)=\(value): \(result.stderr)")
                tried += 1
            }
        }
        #expect(tried > 60)
        Soak.record(Soak.Entry(test: "invalid settings", badInputs: tried))
    }

    @Test(arguments: [
        ("batch_size = \"many\"\n", "BATCH_SIZE"),
        ("batch_sise = 10\n", "batch_size"),
        ("log_groups = [\n", "not valid TOML"),
        ("es_tls_verify = 3\n", "ES_TLS_VERIFY"),
    ])
    func badConfigFilesAreExplained(contents: String, mentions: String) async throws {
        let directory = ProjectPaths.temporaryDirectory("config")
        try contents.write(toFile: directory + "/config.toml", atomically: true, encoding: .utf8)
        var environment = base
        environment["CHECKPOINT_PATH"] = directory + "/cp.json"
        let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1", "--config", directory + "/config.toml"], environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.contains(mentions), "\(result.stderr)")
        Soak.record(Soak.Entry(test: "bad config file", badInputs: 1))
    }

    @Test(arguments: ["", "{\"format\":\"logstream-checkpoints\",\"version\":1,\"groups\":{\"g\":{\"shipped\":[[5", "{\"some\":\"other tool\"}",
                      "\u{0}\u{1}binary garbage", "{\"format\":\"logstream-checkpoints\",\"version\":99}"])
    func aDamagedCheckpointFileIsRefusedWithTheWayOut(contents: String) async throws {
        let directory = ProjectPaths.temporaryDirectory("badcp")
        try contents.write(toFile: directory + "/cp.json", atomically: true, encoding: .utf8)
        var environment = base
        environment["CHECKPOINT_PATH"] = directory + "/cp.json"
        for command in [["backfill", "--days", "1"], ["tail"], ["checkpoint", "show"]] {
            let result = try await ProcessRunner.run(ProjectPaths.binary, command, environment: environment)
            #expect(result.status == 1, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("checkpoint"), "\(command): \(result.stderr)")
        }
        // The file is left for the operator; nothing overwrote it.
        #expect(try String(contentsOfFile: directory + "/cp.json", encoding: .utf8) == contents)
        Soak.record(Soak.Entry(test: "damaged checkpoint", badInputs: 1))
    }

    @Test func hostileMessagesAllBecomeSafeDocuments() async throws {
        try await Rig.with { rig in
            let group = "/hostile/messages"
            let at = WallClock.nowMillis() - 3_600_000
            let messages: [String] = [
                String(repeating: "€", count: 349_000),                 // about a megabyte of UTF-8
                String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000),
                String(repeating: "{\"a\":", count: 20_000) + "1" + String(repeating: "}", count: 20_000),
                "{" + (0..<Soak.scale(ci: 20_000, soak: 100_000)).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}",
                "nul \u{0} bytes \u{0} inside",
                "{\"\":1,\"_source\":2,\"..\":3,\"a\\u0000b\":4}",
                "{\"n\":NaN,\"i\":-Infinity,\"big\":1e400}",
                " ",
            ]
            try await rig.put(group: group, events: messages.enumerated().map { (at + EpochMillis($0.offset), $0.element, "s") })
            // A lone UTF-16 surrogate, which JSON can carry and UTF-8 cannot: written as raw JSON.
            let raw = rig.directory + "/surrogate.json"
            let surrogate = "[{\"timestamp\": \(at + 100), \"message\": \"lone \\" + "ud800 surrogate\", \"stream\": \"s\"}]"
            try surrogate.write(toFile: raw, atomically: true, encoding: .utf8)
            let put = try await ProcessRunner.run(ProjectPaths.python, [ProjectPaths.rigScript, "put", "--endpoint", rig.cloudWatchURL, "--group", group, "--file", raw])
            #expect(put.status == 0, "\(put.stderr)")

            let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1", "--json"],
                                                     environment: rig.environment(groups: [group], checkpointPath: rig.directory + "/cp.json"))
            #expect(result.status == 0, "\(result.stderr.suffix(2000))")
            #expect(result.stdout.contains("\"dead_lettered\":0"))
            let total = messages.count + 1
            let (count, distinct) = try await rig.countAndDistinct(group: group)
            #expect(count == total && distinct == count)
            let documents = try await rig.documents(group: group)
            #expect(documents.contains { $0["logstream"]?["json_fields_dropped"]?.int ?? 0 > 0 })
            #expect(documents.contains { $0["message"]?.string == " " })
            #expect(documents.contains { $0["message"]?.string?.contains("nul \u{0} bytes") == true })
            #expect(documents.contains { $0["message"]?.string == "lone \u{FFFD} surrogate" })
            Soak.record(Soak.Entry(test: "hostile messages", badInputs: total, events: total, lost: total - distinct, duplicates: count - distinct))
        }
    }
}
