/// Elasticsearch's side of reconciliation: per-window counts and checksums for one group
/// across the group's own targets (`-v1` and `-v2`, so a copy heal left in the other one is
/// seen too), the documents of a window, and removal of surplus copies. Only this
/// deployment's documents are read: its own targets, never `{prefix}-*` (which matches a
/// neighbour's longer prefix), and its own source's documents (`SourceIdentity`), never
/// those another deployment writes into the same target from another account or region.
struct ElasticsearchWindows: Sendable {
    let client: ElasticsearchClient
    let layout: IndexLayout
    let queries: QueryCounter
    /// Who the default source is (its groups' keys are bare names).
    var defaultSource: SourceIdentity

    /// The documents of `group` (a `GroupKey`: its source's documents only) in `range`.
    func filter(group: GroupKey, range: TimeRange) -> JSONValue {
        ["bool": ["filter": .array(GroupFilter.of(group, defaultSource: defaultSource) + [
            ["range": .object([JSONMember(DocumentSchema.timestamp, ["gte": .int(range.start), "lt": .int(range.end), "format": "epoch_millis"])])],
        ])]]
    }

    func summary(group: GroupKey, range: TimeRange) async throws -> WindowSummary {
        await queries.countElasticsearch()
        let response = try await client.json("POST", "/\(layout.targets(of: group))/_search?ignore_unavailable=true&allow_no_indices=true", [
            "size": 0, "track_total_hits": true, "query": filter(group: group, range: range),
            "aggs": ["hash": ["sum": ["field": .string(DocumentSchema.idHash)]]],
        ])
        let count = response["hits"]?["total"]?["value"]?.int ?? 0
        let sum = response["aggregations"]?["hash"]?["value"]?.double ?? 0
        return WindowSummary(count: count, hashSum: Int64(sum.rounded()))
    }

    /// Documents of `group` per hour of `range` (hours without documents included, as 0).
    func hourlyCounts(group: GroupKey, range: TimeRange) async throws -> [EpochMillis: Int] {
        await queries.countElasticsearch()
        let response = try await client.json("POST", "/\(layout.targets(of: group))/_search?ignore_unavailable=true&allow_no_indices=true", [
            "size": 0, "query": filter(group: group, range: range),
            "aggs": ["hours": ["date_histogram": [
                "field": .string(DocumentSchema.timestamp), "fixed_interval": "1h", "min_doc_count": 0,
                "extended_bounds": ["min": .int(range.start), "max": .int(range.end - 1)],
            ]]],
        ])
        var counts: [EpochMillis: Int] = [:]
        for bucket in response["aggregations"]?["hours"]?["buckets"]?.array ?? [] {
            if let hour = bucket["key"]?.int64, let count = bucket["doc_count"]?.int { counts[hour] = count }
        }
        return counts
    }

    /// Every copy of every document of `group` in `range`: (index, id).
    func documents(group: GroupKey, range: TimeRange) async throws -> [(index: String, id: String)] {
        var found: [(index: String, id: String)] = []
        var after: JSONValue?
        while true {
            var body: [JSONMember] = [
                JSONMember("size", .int(5000)), JSONMember("_source", .bool(false)),
                JSONMember("query", filter(group: group, range: range)),
                JSONMember("sort", [.object([JSONMember(DocumentSchema.timestamp, "asc")]), .object([JSONMember(DocumentSchema.eventID, "asc")]), ["_index": "asc"]]),
            ]
            if let after { body.append(JSONMember("search_after", after)) }
            await queries.countElasticsearch()
            let response = try await client.json("POST", "/\(layout.targets(of: group))/_search?ignore_unavailable=true&allow_no_indices=true", .object(body))
            let hits = response["hits"]?["hits"]?.array ?? []
            for hit in hits {
                if let index = hit["_index"]?.string, let id = hit["_id"]?.string { found.append((index, id)) }
            }
            guard hits.count == 5000, let last = hits.last?["sort"] else { return found }
            after = last
        }
    }

    /// Deletes the given copies in one bulk request; returns how many went.
    func delete(_ copies: [(index: String, id: String)]) async throws -> Int {
        guard !copies.isEmpty else { return 0 }
        var writer = JSONWriter()
        for copy in copies {
            writer.raw("{\"delete\":{\"_index\":")
            writer.string(copy.index)
            writer.raw(",\"_id\":")
            writer.string(copy.id)
            writer.raw("}}\n")
        }
        await queries.countElasticsearch()
        let response = try await client.send("POST", "/_bulk?refresh=true", body: writer.bytes, contentType: "application/x-ndjson")
        guard response.status == 200 else { throw ElasticsearchError.from(response, method: "POST", path: "/_bulk") }
        return try BulkResponseParser.items(from: response.body).filter { $0.status == 200 }.count
    }

    /// The index new documents of the group go to now: the write index behind its alias
    /// (a plain index, or a data stream whose backing indices are `.ds-<name>-…`). nil when
    /// the alias is missing.
    func writeTarget(stable: String) async throws -> String? {
        let answer = try await client.send("GET", "/_alias/\(stable)")
        if answer.status == 404 { return nil }
        guard answer.status == 200, case .object(let targets)? = try? JSONParser().parse(answer.body) else {
            throw ElasticsearchError.from(answer, method: "GET", path: "/_alias/\(stable)")
        }
        if targets.count == 1 { return targets[0].key }
        return targets.first { $0.value["aliases"]?[stable]?["is_write_index"] == .bool(true) }?.key
    }

    func refresh(group: GroupKey) async throws {
        _ = try await client.send("POST", "/\(layout.targets(of: group))/_refresh?ignore_unavailable=true&allow_no_indices=true")
    }
}

