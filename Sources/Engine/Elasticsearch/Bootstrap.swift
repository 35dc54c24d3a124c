/// Creates what the layout needs before the first write: the template, and for each
/// group the `-v1` index with the stable name as its write alias. Safe to repeat;
/// an alias that already exists is left alone, because repairs may have moved it.
public struct Bootstrap: Sendable {
    let client: ElasticsearchClient
    let layout: IndexLayout

    public init(client: ElasticsearchClient, layout: IndexLayout) {
        self.client = client
        self.layout = layout
    }

    public func ensureTemplate() async throws {
        try await client.json("PUT", "/_index_template/\(layout.templateName)", IndexTemplate.body(layout: layout))
    }

    public func ensureGroup(_ group: String) async throws {
        let stable = layout.stableName(for: group)
        let aliasProbe = try await client.send("GET", "/_alias/\(stable)")
        if aliasProbe.status == 200 {
            return
        }
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
}
