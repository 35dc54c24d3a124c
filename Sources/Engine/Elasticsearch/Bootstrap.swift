/// Creates what the layout needs before the first write: the template, and for each
/// group the `-v1` target with the stable name as its write alias. Data streams where the
/// cluster has them (with aliases over data streams); otherwise, or when creating one is
/// refused as unsupported, plain indices — decided once per process, and logged. Safe to
/// repeat; an alias that already exists is left alone, because repairs may have moved it.
public actor Bootstrap {
    let client: ElasticsearchClient
    let layout: IndexLayout
    public private(set) var mode: StorageMode?

    public init(client: ElasticsearchClient, layout: IndexLayout, mode: StorageMode? = nil) {
        self.client = client
        self.layout = layout
        self.mode = mode
    }

    /// Picks the storage mode from the cluster's version and installs the template.
    public func prepare() async throws {
        if mode == nil {
            let root = try await client.json("GET", "/")
            mode = StorageMode.preferred(forClusterRoot: root)
        }
        try await ensureTemplate()
    }

    /// Installs the template, keeping the fields `heal` pinned in the one already there.
    public func ensureTemplate() async throws {
        try await putTemplate(pins: try await installedPins())
    }

    /// Adds pinned fields to the template (new indices get the winning types).
    public func pin(_ fields: [String: JSONValue]) async throws {
        try await putTemplate(pins: try await installedPins().merging(fields) { $1 })
    }

    public func installedPins() async throws -> [String: JSONValue] {
        let answer = try await client.send("GET", "/_index_template/\(layout.templateName)")
        guard answer.status == 200, let json = try? JSONParser().parse(answer.body) else { return [:] }
        var pins: [String: JSONValue] = [:]
        let template = json["index_templates"]?[0]?["index_template"]
        for member in template?["_meta"]?["pinned_fields"]?.members ?? [] { pins[member.key] = member.value }
        return pins
    }

    private func putTemplate(pins: [String: JSONValue]) async throws {
        try await client.json("PUT", "/_index_template/\(layout.templateName)", IndexTemplate.body(layout: layout, mode: mode ?? .aliases, pins: pins))
    }

    public func ensureGroup(_ group: String) async throws {
        let stable = layout.stableName(for: group)
        let aliasProbe = try await client.send("GET", "/_alias/\(stable)")
        if aliasProbe.status == 200 {
            return
        }
        if mode == .dataStreams {
            do {
                try await createDataStream(group)
                return
            } catch let refusal as DataStreamsUnavailable {
                Log.warn("this cluster does not create data streams; using plain indices behind a write alias instead",
                         ("reason", refusal.reason))
                mode = .aliases
                try await ensureTemplate()
            }
        }
        try await createIndex(group)
    }

    private func createDataStream(_ group: String) async throws {
        let stable = layout.stableName(for: group)
        let v1 = layout.versionedName(for: group, version: 1)
        let create = try await client.send("PUT", "/_data_stream/\(v1)")
        if !(200..<300).contains(create.status) {
            let error = ElasticsearchError.from(create, method: "PUT", path: "/_data_stream/\(v1)")
            if Self.meansUnsupported(error) { throw DataStreamsUnavailable(reason: "\(error.type): \(error.reason)") }
            guard error.type == "resource_already_exists_exception" else { throw error }
        }
        let actions: JSONValue = ["actions": [["add": ["index": .string(v1), "alias": .string(stable), "is_write_index": true]]]]
        try await client.json("POST", "/_aliases", actions)
        Log.info("created data stream", ("group", group), ("data_stream", v1), ("alias", stable))
    }

    private func createIndex(_ group: String) async throws {
        let stable = layout.stableName(for: group)
        let v1 = layout.versionedName(for: group, version: 1)
        let create = try await client.send("PUT", "/\(v1)", body: (["aliases": [stable: ["is_write_index": true]]] as JSONValue).serialized)
        if (200..<300).contains(create.status) {
            Log.info("created index", ("group", group), ("index", v1), ("alias", stable))
            return
        }
        let error = ElasticsearchError.from(create, method: "PUT", path: "/\(v1)")
        guard error.type == "resource_already_exists_exception" else {
            if error.type == "invalid_alias_name_exception" || error.reason.contains("an index or data stream exists with the same name") {
                throw ElasticsearchError(method: "PUT", path: "/\(v1)", status: error.status, type: error.type,
                                         reason: "\(stable) already exists as an index, not an alias; rename or remove it, or choose another INDEX_PREFIX")
            }
            throw error
        }
        // The index exists without its alias (an interrupted earlier start): attach it.
        let actions: JSONValue = ["actions": [["add": ["index": .string(v1), "alias": .string(stable), "is_write_index": true]]]]
        try await client.json("POST", "/_aliases", actions)
    }

    /// Answers of engines that accept the API but cannot do it, or do not know it.
    static func meansUnsupported(_ error: ElasticsearchError) -> Bool {
        if error.status == 404 || error.status == 405 { return error.type != "index_not_found_exception" }
        let text = (error.type + " " + error.reason).lowercased()
        return text.contains("unsupported") || text.contains("not supported") || text.contains("no handler found")
    }
}

struct DataStreamsUnavailable: Error {
    var reason: String
}
