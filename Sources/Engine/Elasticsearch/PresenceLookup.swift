/// Which documents already exist, by id. `_id` is unique only within one backing index:
/// once a data stream has rolled over, a `create` of an old event lands in the new write
/// index as a second copy instead of failing with 409. Where a range may already be partly
/// present, the pipeline asks first and sends only what is missing.
///
/// The question goes to `_search` (GET and `_mget` by a data stream's name fail once it has
/// more than one backing index), which sees only refreshed documents: the first lookup in
/// each target refreshes it, so what an earlier process wrote just before it stopped is
/// seen — and again after the group was handed over from another instance (`forget`),
/// which may have written to it since. A hit count above the hits returned means copies
/// filled the page; the ids are then asked again in halves, so existing duplicates can
/// never hide an id that is there.
final class PresenceLookup: Sendable {
    let client: ElasticsearchClient
    /// Ids per query; each answer has room for several copies of each.
    static let chunk = 1_000
    /// Hits per answer (the default `index.max_result_window`).
    let pageSize: Int
    /// Targets refreshed by this lookup already.
    private let refreshed = Locked<Set<String>>([])

    init(client: ElasticsearchClient, pageSize: Int = 10_000) {
        self.client = client
        self.pageSize = pageSize
    }

    /// The next lookup in `target` refreshes it again (another process may have written to it).
    func forget(_ target: String) {
        refreshed.withLock { _ = $0.remove(target) }
    }

    /// The ids among `ids` that exist in `target` (an alias or pattern covering every
    /// backing index).
    func existing(in target: String, among ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        if refreshed.withLock({ $0.insert(target).inserted }) {
            _ = try await client.json("POST", "/\(target)/_refresh?ignore_unavailable=true&allow_no_indices=true")
        }
        var found: Set<String> = []
        var start = 0
        while start < ids.count {
            try await collect(ids[start..<min(ids.count, start + Self.chunk)], in: target, into: &found)
            start += Self.chunk
        }
        return found
    }

    private func collect(_ ids: ArraySlice<String>, in target: String, into found: inout Set<String>) async throws {
        let body: JSONValue = [
            "size": .int(pageSize), "_source": false, "track_total_hits": true,
            "query": ["ids": ["values": .array(ids.map { .string($0) })]],
        ]
        let response = try await client.json("POST", "/\(target)/_search?ignore_unavailable=true&allow_no_indices=true", body)
        let hits = response["hits"]?["hits"]?.array ?? []
        let total = response["hits"]?["total"]?["value"]?.int ?? response["hits"]?["total"]?.int ?? hits.count
        if total > hits.count && ids.count > 1 {
            let middle = ids.startIndex + ids.count / 2
            try await collect(ids[..<middle], in: target, into: &found)
            try await collect(ids[middle...], in: target, into: &found)
            return
        }
        for hit in hits {
            if let id = hit["_id"]?.string { found.insert(id) }
        }
    }

    /// `documents` without those already stored, and how many were left out.
    func missing(_ documents: [LogDocument], in target: String) async throws -> (documents: [LogDocument], present: Int) {
        guard !documents.isEmpty else { return ([], 0) }
        let present = try await existing(in: target, among: documents.map(\.id))
        guard !present.isEmpty else { return (documents, 0) }
        return (documents.filter { !present.contains($0.id) }, present.count)
    }
}
