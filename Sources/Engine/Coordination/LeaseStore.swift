/// Group leases and instance heartbeats in one hidden Elasticsearch index
/// (`{prefix}-logstream-state`: hidden, so `{prefix}-*` queries and Kibana never see it).
/// Every change is conditional on the document's sequence number (`if_seq_no`,
/// `if_primary_term`) or on its absence (`op_type=create`): of two instances racing for a
/// lease, exactly one wins.
public struct LeaseStore: Sendable {
    public struct Lease: Sendable, Equatable {
        public var group: String
        public var owner: String
        /// Epoch milliseconds; a lease past this is free for anyone to take.
        public var expiresAt: EpochMillis
        /// The group's checkpoint as its last owner left it.
        public var checkpoint: JSONValue?
        var seqNo: Int
        var primaryTerm: Int

        public func isHeld(now: EpochMillis) -> Bool { !owner.isEmpty && expiresAt > now }
    }

    let client: ElasticsearchClient
    let index: String
    /// Elastic Cloud Serverless refuses shard settings (it manages shards itself).
    let serverless: Bool

    init(client: ElasticsearchClient, layout: IndexLayout, serverless: Bool = false) {
        self.client = client
        index = "\(layout.prefix)-logstream-state"
        self.serverless = serverless
    }

    func ensureIndex() async throws {
        let settings: JSONValue = serverless ? ["index": ["hidden": true]] : ["index": ["hidden": true, "number_of_shards": 1]]
        let body: JSONValue = [
            "settings": settings,
            "mappings": ["dynamic": false, "properties": [
                "kind": ["type": "keyword"], "group": ["type": "keyword"], "owner": ["type": "keyword"], "expires_at": ["type": "long"],
            ]],
        ]
        let answer = try await client.send("PUT", "/\(index)", body: body.serialized)
        guard (200..<300).contains(answer.status) else {
            let error = ElasticsearchError.from(answer, method: "PUT", path: "/\(index)")
            guard error.type == "resource_already_exists_exception" else { throw error }
            return
        }
    }

    static func documentID(group: String) -> String { "lease-" + DocumentID.make(logGroup: "logstream-lease", eventId: group) }
    static func documentID(instance: String) -> String { "instance-" + DocumentID.make(logGroup: "logstream-instance", eventId: instance) }

    /// Every lease, by group (none before any instance has run).
    func leases() async throws -> [String: Lease] {
        let answer = try await client.json("POST", "/\(index)/_search?ignore_unavailable=true", [
            "size": 10_000, "seq_no_primary_term": true, "query": ["term": ["kind": "lease"]],
        ])
        var leases: [String: Lease] = [:]
        for hit in answer["hits"]?["hits"]?.array ?? [] {
            guard let source = hit["_source"], let group = source["group"]?.string else { continue }
            leases[group] = Lease(group: group, owner: source["owner"]?.string ?? "", expiresAt: source["expires_at"]?.int64 ?? 0,
                                  checkpoint: source["checkpoint"], seqNo: hit["_seq_no"]?.int ?? 0, primaryTerm: hit["_primary_term"]?.int ?? 1)
        }
        return leases
    }

    /// Instances whose heartbeat has not expired, with when it does.
    func liveInstances(now: EpochMillis) async throws -> [String: EpochMillis] {
        let answer = try await client.json("POST", "/\(index)/_search", [
            "size": 10_000, "query": ["bool": ["filter": [["term": ["kind": "instance"]], ["range": ["expires_at": ["gt": .int(now)]]]]]],
        ])
        var instances: [String: EpochMillis] = [:]
        for hit in answer["hits"]?["hits"]?.array ?? [] {
            if let id = hit["_source"]?["owner"]?.string, let expires = hit["_source"]?["expires_at"]?.int64 { instances[id] = expires }
        }
        return instances
    }

    func heartbeat(instance: String, expiresAt: EpochMillis) async throws {
        try await client.json("PUT", "/\(index)/_doc/\(Self.documentID(instance: instance))?refresh=true",
                              ["kind": "instance", "owner": .string(instance), "expires_at": .int(expiresAt)])
    }

    /// Takes, renews or releases (`owner` empty) the lease of `group`, provided nobody
    /// changed it since `current` was read (or, with no `current`, nobody created it).
    /// Returns the lease as written, or nil when another instance got there first.
    func write(group: String, owner: String, expiresAt: EpochMillis, checkpoint: JSONValue?, over current: Lease?) async throws -> Lease? {
        var source: [JSONMember] = [
            JSONMember("kind", "lease"), JSONMember("group", .string(group)), JSONMember("owner", .string(owner)),
            JSONMember("expires_at", .int(expiresAt)), JSONMember("written_at", .int(WallClock.nowMillis())),
        ]
        if let checkpoint { source.append(JSONMember("checkpoint", checkpoint)) }
        let condition = current.map { "if_seq_no=\($0.seqNo)&if_primary_term=\($0.primaryTerm)" } ?? "op_type=create"
        let answer = try await client.send("PUT", "/\(index)/_doc/\(Self.documentID(group: group))?\(condition)&refresh=true",
                                           body: JSONValue.object(source).serialized)
        if answer.status == 409 { return nil }
        guard (200..<300).contains(answer.status), let json = try? JSONParser().parse(answer.body) else {
            throw ElasticsearchError.from(answer, method: "PUT", path: "/\(index)/_doc")
        }
        return Lease(group: group, owner: owner, expiresAt: expiresAt, checkpoint: checkpoint,
                     seqNo: json["_seq_no"]?.int ?? 0, primaryTerm: json["_primary_term"]?.int ?? 1)
    }
}
