import Foundation

/// The reliability suite runs small in `make test` and long in `make soak`
/// (LOGSTREAM_SOAK=1), where each test also adds what it did to a tally file
/// (LOGSTREAM_TALLY) that `make soak` sums up at the end.
enum Soak {
    static var isOn: Bool { ProcessInfo.processInfo.environment["LOGSTREAM_SOAK"] == "1" }

    /// `ci` in `make test`, `soak` in `make soak`.
    static func scale<T>(ci: T, soak: T) -> T { isOn ? soak : ci }

    struct Entry: Codable {
        var test: String
        var kills = 0
        var faults = 0
        var badInputs = 0
        var events = 0
        var lost = 0
        var duplicates = 0
    }

    static func record(_ entry: Entry) {
        guard let path = ProcessInfo.processInfo.environment["LOGSTREAM_TALLY"],
              let line = try? JSONEncoder().encode(entry) else { return }
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.seekToEndOfFile()
        handle.write(line + Data("\n".utf8))
        handle.closeFile()
    }
}

extension Rig {
    /// Documents of `group` and how many distinct event ids they hold: equal when nothing
    /// is duplicated.
    func countAndDistinct(group: String) async throws -> (count: Int, distinct: Int) {
        _ = try await elasticsearch().send("POST", "/cloudwatch-*/_refresh")
        let answer = try await elasticsearch().json("POST", "/cloudwatch-*/_search", [
            "size": 0, "track_total_hits": true, "query": ["term": ["aws.cloudwatch.log_group": .string(group)]],
            "aggs": ["ids": ["cardinality": ["field": "event.id", "precision_threshold": 40_000]]],
        ])
        return (answer["hits"]?["total"]?["value"]?.int ?? -1, answer["aggregations"]?["ids"]?["value"]?.int ?? -1)
    }
}
