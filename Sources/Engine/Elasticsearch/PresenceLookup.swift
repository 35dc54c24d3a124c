/// Which documents already exist, by id. `_id` is unique only within one backing index:
/// once a data stream has rolled over, a `create` of an old event lands in the new write
/// index as a second copy instead of failing with 409. Where a range may already be partly
/// present, the pipeline asks first and sends only what is missing.
public struct PresenceLookup: Sendable {
    let client: ElasticsearchClient
    /// Ids per query, below the default `index.max_result_window` of 10,000.
    static let chunk = 5_000

    public init(client: ElasticsearchClient) {
        self.client = client
    }

    /// The ids among `ids` that exist in `target` (an alias or pattern covering every
    /// backing index).
    public func existing(in target: String, among ids: [String]) async throws -> Set<String> {
        var found: Set<String> = []
        var start = 0
        while start < ids.count {
            let part = ids[start..<min(ids.count, start + Self.chunk)]
            let body: JSONValue = [
                "size": .int(part.count), "_source": false,
                "query": ["ids": ["values": .array(part.map { .string($0) })]],
            ]
            let response = try await client.json("POST", "/\(target)/_search?ignore_unavailable=true&allow_no_indices=true", body)
            for hit in response["hits"]?["hits"]?.array ?? [] {
                if let id = hit["_id"]?.string { found.insert(id) }
            }
            start += Self.chunk
        }
        return found
    }

    /// `documents` without those already stored, and how many were left out.
    public func missing(_ documents: [LogDocument], in target: String) async throws -> (documents: [LogDocument], present: Int) {
        guard !documents.isEmpty else { return ([], 0) }
        let present = try await existing(in: target, among: documents.map(\.id))
        guard !present.isEmpty else { return (documents, 0) }
        return (documents.filter { !present.contains($0.id) }, present.count)
    }
}
