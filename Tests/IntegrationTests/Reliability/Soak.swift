@testable import Engine
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
        var unknown = 0
    }

    /// An entry whose lost, duplicated and unknown counts come from id sets.
    static func entry(_ test: String, _ comparisons: [IDComparison], kills: Int = 0, faults: Int = 0) -> Entry {
        Entry(test: test, kills: kills, faults: faults, events: comparisons.map(\.cloudWatch).reduce(0, +),
              lost: comparisons.map(\.lost.count).reduce(0, +), duplicates: comparisons.map(\.duplicates).reduce(0, +),
              unknown: comparisons.map(\.unknown.count).reduce(0, +))
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

/// CloudWatch's event ids of a group against the event ids of its documents in
/// Elasticsearch, as sets: what is lost, what is stored more than once, and what is stored
/// that CloudWatch never had.
struct IDComparison: CustomStringConvertible {
    var cloudWatch: Int
    var documents: Int
    var lost: [String]
    /// Copies beyond the first, by event id.
    var surplus: [String: Int]
    var unknown: [String]

    var duplicates: Int { surplus.values.reduce(0, +) }
    var isExact: Bool { lost.isEmpty && surplus.isEmpty && unknown.isEmpty }

    var description: String {
        "CloudWatch \(cloudWatch) ids, Elasticsearch \(documents) documents; lost \(lost.count) \(lost.prefix(5)), "
            + "duplicated \(duplicates) \(Array(surplus.prefix(5))), unknown \(unknown.count) \(unknown.prefix(5))"
    }
}

extension Rig {
    /// Compares the id sets of `group` (documents under `prefix-*`).
    func compareIDs(group: String, prefix: String = "cloudwatch", region: String = "us-east-1", roleArn: String = "") async throws -> IDComparison {
        let cloudWatch = try await helper(["ids", "--endpoint", cloudWatchURL, "--group", group, "--region", region, "--role-arn", roleArn])
        guard let expected = cloudWatch["ids"]?.array?.compactMap(\.string) else {
            throw ProcessFailure(description: "rig.py ids gave no ids for \(group): \(cloudWatch)")
        }
        let stored = try await storedEventIDs(group: group, prefix: prefix)
        var copies: [String: Int] = [:]
        for id in stored { copies[id, default: 0] += 1 }
        let known = Set(expected)
        return IDComparison(cloudWatch: known.count, documents: stored.count,
                            lost: known.filter { copies[$0] == nil }.sorted(),
                            surplus: copies.filter { $0.value > 1 }.mapValues { $0 - 1 },
                            unknown: copies.keys.filter { !known.contains($0) }.sorted())
    }

    /// Deletes `count` documents of `group` (the lowest event ids); returns how many went.
    func deleteDocuments(group: String, count: Int) async throws -> Int {
        let es = elasticsearch()
        _ = try await es.send("POST", "/cloudwatch-*/_refresh")
        let sample = try await es.json("POST", "/cloudwatch-*/_search", [
            "size": .int(count), "query": ["term": ["aws.cloudwatch.log_group": .string(group)]], "sort": [["event.id": "asc"]],
        ])
        guard let hits = sample["hits"]?["hits"]?.array, !hits.isEmpty else { return 0 }
        var bulk = ""
        for hit in hits {
            guard let index = hit["_index"]?.string, let id = hit["_id"]?.string else { continue }
            bulk += #"{"delete":{"_index":"\#(index)","_id":"\#(id)"}}"# + "\n"
        }
        let answer = try JSONParser().parse(try await es.send("POST", "/_bulk?refresh=true", body: Array(bulk.utf8), contentType: "application/x-ndjson").body)
        return answer["items"]?.array?.filter { $0["delete"]?["result"]?.string == "deleted" }.count ?? 0
    }

    /// The event id of every document of `group`, one entry per document (a scroll over all of them).
    func storedEventIDs(group: String, prefix: String = "cloudwatch") async throws -> [String] {
        let es = elasticsearch()
        _ = try await es.send("POST", "/\(prefix)-*/_refresh")
        var page = try await es.json("POST", "/\(prefix)-*/_search?scroll=2m", [
            "size": 5_000, "_source": ["event.id"], "sort": ["_doc"],
            "query": ["term": ["aws.cloudwatch.log_group": .string(group)]],
        ])
        var ids: [String] = []
        while true {
            guard let hits = page["hits"]?["hits"]?.array else { throw ProcessFailure(description: "a search gave no hits array: \(page)") }
            if hits.isEmpty { break }
            for hit in hits {
                guard let id = hit["_source"]?["event"]?["id"]?.string else { throw ProcessFailure(description: "a document without event.id: \(hit)") }
                ids.append(id)
            }
            guard let scroll = page["_scroll_id"]?.string else { break }
            page = try await es.json("POST", "/_search/scroll", ["scroll": "2m", "scroll_id": .string(scroll)])
        }
        return ids
    }

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
