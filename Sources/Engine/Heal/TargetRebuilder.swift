/// Rebuilds one group target into its standby version with the winning types, without
/// ever holding a document in only one place:
///
/// 1. create the standby (`-v2` for `-v1`, or back), hidden while it fills, with the
///    pinned fields mapped;
/// 2. copy every document into it (values the new type refuses are moved to
///    `logstream.conflicts` by the sink's safe form — kept, not dropped);
/// 3. switch the stable alias to it in one atomic step, so new writes land there;
/// 4. copy again what arrived meanwhile, checking that every document of the old
///    target is in the new one;
/// 5. only then remove the old target.
///
/// Each step is logged. The cluster's state says how far a rebuild got, so running it
/// again after a crash continues where it stopped.
///
/// A data stream, where the engine can swap backing indices (`rebuildsInPlace`), is
/// rebuilt inside itself instead (`rebuildInPlace`): no second data stream is ever visible.
public struct TargetRebuilder: Sendable {
    public struct Result: Sendable, Equatable {
        public var copied = 0
        public var moved = 0
        public var verified = 0
        public var removed = false
    }

    let client: ElasticsearchClient
    let sink: BulkSink
    let presence: PresenceLookup
    let pageSize: Int
    /// After the switch, how long a bulk request sent to the old target just before it may
    /// still be landing there (the HTTP timeout): the catch-up copy waits that long.
    let graceSeconds: Double
    /// Data streams are rebuilt by swapping backing indices (`POST _data_stream/_modify`).
    let rebuildsInPlace: Bool

    init(client: ElasticsearchClient, sink: BulkSink, graceSeconds: Double, rebuildsInPlace: Bool = false, pageSize: Int = 1_000) {
        self.client = client
        self.sink = sink
        presence = PresenceLookup(client: client)
        self.graceSeconds = graceSeconds
        self.rebuildsInPlace = rebuildsInPlace
        self.pageSize = pageSize
    }

    /// `progress` counts the documents of the first copy. `claim` is checked before every
    /// step that moves documents or names: once the group's claim is lost, nothing more moves.
    func rebuild(_ rebuild: TargetRebuild, pins: [String: JSONValue], claim: ClaimGuard? = nil, progress: ProgressMeter? = nil) async throws -> Result {
        let dataStream = try await isDataStream(rebuild.from)
        if dataStream && rebuildsInPlace {
            return try await rebuildInPlace(rebuild, pins: pins, claim: claim, progress: progress)
        }
        var result = Result()
        let writeTarget = try await aliasWriteTarget(rebuild.stable)
        if writeTarget == rebuild.from || writeTarget == nil {
            if try await !exists(rebuild.to) {
                try claim?.check()
                try await createStandby(rebuild, pins: pins, dataStream: dataStream)
                Log.info("heal: standby created", ("target", rebuild.to), ("fields", rebuild.fields.joined(separator: ",")))
            }
            let first = try await copy(from: rebuild.from, to: rebuild.to, verify: false, claim: claim, progress: progress)
            result.copied += first.copied
            result.moved += first.moved
            Log.info("heal: documents copied", ("from", rebuild.from), ("to", rebuild.to), ("copied", first.copied), ("moved_values", first.moved))
            try claim?.check()
            try await switchAlias(rebuild, aliasHoldsOld: writeTarget == rebuild.from)
            Log.info("heal: stable name switched", ("alias", rebuild.stable), ("to", rebuild.to))
            try await Task.sleep(nanoseconds: UInt64(graceSeconds * 1e9))
        }
        guard try await exists(rebuild.from) else {
            result.removed = true
            return result
        }
        // Writes that reached the old target before the switch: copy them, and prove that
        // every document of the old target is in the new one.
        _ = try await client.send("POST", "/\(rebuild.from)/_refresh")
        let second = try await copy(from: rebuild.from, to: rebuild.to, verify: true, claim: claim)
        result.copied += second.copied
        result.moved += second.moved
        result.verified = second.verified
        let remaining = try await client.count(rebuild.from, query: ["match_all": [:]])
        guard second.verified == remaining else {
            throw ElasticsearchError(method: "heal", path: rebuild.from, status: 0, type: "verification_failed",
                                     reason: "\(second.verified) of \(remaining) documents of \(rebuild.from) are confirmed in \(rebuild.to); \(rebuild.from) is kept")
        }
        try claim?.check()
        if !dataStream {
            try await client.json("PUT", "/\(rebuild.to)/_settings", ["index": ["hidden": false]])
        }
        try await client.json("DELETE", dataStream ? "/_data_stream/\(rebuild.from)" : "/\(rebuild.from)")
        result.removed = true
        Log.info("heal: old target removed after every document was confirmed in the new one", ("removed", rebuild.from), ("documents", remaining))
        return result
    }

    func isDataStream(_ name: String) async throws -> Bool {
        let answer = try await client.send("GET", "/_data_stream/\(name)")
        guard answer.status == 200, let json = try? JSONParser().parse(answer.body) else { return false }
        return !(json["data_streams"]?.array ?? []).isEmpty
    }

    func exists(_ name: String) async throws -> Bool {
        let answer = try await client.send("HEAD", "/\(name)")
        return answer.status == 200
    }

    /// The index or data stream the alias writes to (nil when the alias is missing).
    private func aliasWriteTarget(_ alias: String) async throws -> String? {
        let answer = try await client.send("GET", "/_alias/\(alias)")
        guard answer.status == 200, let json = try? JSONParser().parse(answer.body) else { return nil }
        let members = json.members ?? []
        let writer = members.first { $0.value["aliases"]?[alias]?["is_write_index"] == .bool(true) } ?? (members.count == 1 ? members.first : nil)
        // Keyed by index, or by data stream for an alias over data streams.
        return writer?.key
    }

    private func createStandby(_ rebuild: TargetRebuild, pins: [String: JSONValue], dataStream: Bool) async throws {
        if dataStream {
            // The template carries the pins already; data streams are created from it.
            try await client.json("PUT", "/_data_stream/\(rebuild.to)")
        } else {
            let mappings = IndexTemplate.pinned(["properties": [:]], pins.filter { rebuild.fields.contains($0.key) })
            try await client.json("PUT", "/\(rebuild.to)", ["settings": ["index": ["hidden": true]], "mappings": mappings])
        }
    }

    /// Points the stable alias at the standby in one step. Where the alias is missing (someone
    /// deleted it), removing it would be refused (404 `aliases_not_found_exception`; the
    /// `must_exist` flag that avoids that is not in OpenSearch before 3.0), so it is only added.
    private func switchAlias(_ rebuild: TargetRebuild, aliasHoldsOld: Bool) async throws {
        let add: JSONValue = ["add": ["index": .string(rebuild.to), "alias": .string(rebuild.stable), "is_write_index": true]]
        let remove: JSONValue = ["remove": ["index": .string(rebuild.from), "alias": .string(rebuild.stable)]]
        try await client.json("POST", "/_aliases", ["actions": .array(aliasHoldsOld ? [remove, add] : [add])])
    }

    struct CopyTally {
        var copied = 0
        var moved = 0
        var verified = 0
    }

    /// Every document of `from` into `to` (those not there yet), page by page with a
    /// scroll. With `verify`, counts the documents confirmed present afterwards.
    func copy(from: String, to: String, verify: Bool, claim: ClaimGuard?, progress: ProgressMeter? = nil) async throws -> CopyTally {
        var tally = CopyTally()
        var page = try await client.json("POST", "/\(from)/_search?scroll=5m", ["size": .int(pageSize), "sort": ["_doc"]])
        defer {
            if let id = page["_scroll_id"]?.string {
                let client = self.client
                Task { _ = try? await client.send("DELETE", "/_search/scroll", body: (["scroll_id": .string(id)] as JSONValue).serialized) }
            }
        }
        while true {
            let hits = page["hits"]?["hits"]?.array ?? []
            if hits.isEmpty { break }
            let documents = hits.compactMap { hit -> LogDocument? in
                guard let id = hit["_id"]?.string, let source = hit["_source"] else { return nil }
                return LogDocument(id: id, index: to, logGroup: GroupKey(DocumentSchema.value(at: DocumentSchema.logGroup, in: source)?.string ?? ""),
                                   timestamp: source[DocumentSchema.timestamp]?.string.flatMap(Timestamp.parse) ?? 0, source: source.serialized)
            }
            try claim?.check()
            let (missing, present) = try await presence.missing(documents, in: to)
            let outcome = try await sink.write(missing, priority: .high)
            guard outcome.deadLettered == 0 else {
                throw ElasticsearchError(method: "heal", path: to, status: 0, type: "documents_refused",
                                         reason: "\(outcome.deadLettered) documents of \(from) could not be stored in \(to) even in the safe form (see the dead-letter file); \(from) is kept")
            }
            tally.copied += outcome.created
            tally.moved += outcome.rewritten
            if verify { tally.verified += present + outcome.created + outcome.alreadyPresent }
            await progress?.advance(covered: EpochMillis(documents.count), events: documents.count)
            guard let scroll = page["_scroll_id"]?.string else { break }
            page = try await client.json("POST", "/_search/scroll", ["scroll": "5m", "scroll_id": .string(scroll)])
        }
        return tally
    }
}
