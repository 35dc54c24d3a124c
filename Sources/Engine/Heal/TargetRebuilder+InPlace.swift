/// A data stream rebuilt inside itself, so that searches over the prefix never see a group
/// twice (a second data stream cannot be hidden while it fills):
///
/// 1. if a conflicting backing index is the write index, the stream rolls over first (a
///    write index cannot leave its stream; the new one gets the pinned types);
/// 2. each conflicting backing index is copied into `.healed-<its name>`, a hidden index
///    with the old one's mapping and the winning types pinned (values the new type refuses
///    take the safe form), and every document is confirmed there;
/// 3. one `POST _data_stream/_modify` takes the old index out of the stream and puts the
///    rebuilt one in (`170_modify_data_stream.yml`): no moment where both or neither count;
/// 4. only then is the old index deleted.
///
/// Each step reads where the cluster is, so a run after a crash goes on from there.
extension TargetRebuilder {
    func rebuildInPlace(_ rebuild: TargetRebuild, pins: [String: JSONValue], claim: ClaimGuard?, progress: ProgressMeter?) async throws -> Result {
        var result = Result()
        let stream = rebuild.from
        var backing = try await backingIndices(of: stream)
        if let write = backing.last, rebuild.indices.contains(write) {
            try claim?.check()
            try await client.json("POST", "/\(stream)/_rollover")
            Log.info("heal: data stream rolled over so that its conflicting write index can be rebuilt", ("data_stream", stream), ("index", write))
            backing = try await backingIndices(of: stream)
        }
        for old in rebuild.indices {
            let healed = BackingIndexName.healedPrefix + old
            let inStream = backing.contains(old)
            // Out of the stream and gone: rebuilt by an earlier run.
            let present = try await exists(old)
            guard inStream || present else { continue }
            if inStream {
                if try await !exists(healed) {
                    try claim?.check()
                    try await createHealed(healed, like: old, pins: pins.filter { rebuild.fields.contains($0.key) })
                    Log.info("heal: rebuilt backing index created", ("index", healed), ("fields", rebuild.fields.joined(separator: ",")))
                }
                let first = try await copy(from: old, to: healed, verify: false, claim: claim, progress: progress)
                result.copied += first.copied
                result.moved += first.moved
                Log.info("heal: documents copied", ("from", old), ("to", healed), ("copied", first.copied), ("moved_values", first.moved))
            }
            // Every document of the old index confirmed in the rebuilt one, before the swap
            // and (after a crash between swap and delete) before the delete.
            _ = try await client.send("POST", "/\(old)/_refresh")
            let check = try await copy(from: old, to: healed, verify: true, claim: claim)
            result.copied += check.copied
            result.moved += check.moved
            result.verified += check.verified
            let documents = try await client.count(old, query: ["match_all": [:]])
            guard check.verified == documents else {
                throw ElasticsearchError(method: "heal", path: old, status: 0, type: "verification_failed",
                                         reason: "\(check.verified) of \(documents) documents of \(old) are confirmed in \(healed); \(old) is kept")
            }
            try claim?.check()
            if inStream {
                try await client.json("POST", "/_data_stream/_modify", ["actions": [
                    ["remove_backing_index": ["data_stream": .string(stream), "index": .string(old)]],
                    ["add_backing_index": ["data_stream": .string(stream), "index": .string(healed)]],
                ]])
                Log.info("heal: rebuilt backing index swapped into the data stream", ("data_stream", stream), ("out", old), ("in", healed))
            }
            try await client.json("DELETE", "/\(old)")
            Log.info("heal: old backing index removed after every document was confirmed in the rebuilt one", ("removed", old), ("documents", documents))
        }
        result.removed = true
        return result
    }

    /// The data stream's backing indices, oldest first (the last is the write index).
    private func backingIndices(of stream: String) async throws -> [String] {
        let answer = try await client.json("GET", "/_data_stream/\(stream)")
        return (answer["data_streams"]?.array?.first?["indices"]?.array ?? []).compactMap { $0["index_name"]?.string }
    }

    /// A hidden index mapped as `old` is, with `pins` in place of the losing types, under the
    /// same ILM policy (its retention carries over).
    private func createHealed(_ name: String, like old: String, pins: [String: JSONValue]) async throws {
        let mappings = try await client.json("GET", "/\(old)/_mapping")[old]?["mappings"] ?? ["properties": [:]]
        // The data stream's own meta field is set by the stream, not by a plain index.
        let own: JSONValue = .object((mappings.members ?? []).filter { $0.key != "_data_stream_timestamp" })
        var settings: [JSONMember] = [JSONMember("index.hidden", true)]
        let flat = try await client.json("GET", "/\(old)/_settings?flat_settings=true")
        if let policy = flat[old]?["settings"]?["index.lifecycle.name"] { settings.append(JSONMember("index.lifecycle.name", policy)) }
        try await client.json("PUT", "/\(name)", ["settings": .object(settings), "mappings": IndexTemplate.pinned(own, pins)])
    }
}
