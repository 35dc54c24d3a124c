/// The index templates of every logstream deployment in the cluster (`logstream-{prefix}`),
/// and from them the neighbours whose prefix is nested in one's own (`cloudwatch-prod` in
/// `cloudwatch`): `{prefix}-*` matches their names too, so whatever reads or changes
/// indices by that pattern leaves theirs out.
enum LogstreamTemplates {
    /// Every logstream template, by name (none where the cluster will not say).
    static func installed(_ client: ElasticsearchClient) async throws -> [String: JSONValue] {
        let answer = try await client.send("GET", "/_index_template/logstream-*")
        guard answer.status == 200, let json = try? JSONParser().parse(answer.body) else { return [:] }
        var templates: [String: JSONValue] = [:]
        for entry in json["index_templates"]?.array ?? [] {
            if let name = entry["name"]?.string, let template = entry["index_template"] { templates[name] = template }
        }
        return templates
    }

    /// The prefixes of other deployments nested in `layout`'s.
    static func nestedPrefixes(in installed: [String: JSONValue], under layout: IndexLayout) -> [String] {
        installed.keys.compactMap { name -> String? in
            guard name.hasPrefix("logstream-") else { return nil }
            let prefix = String(name.dropFirst("logstream-".count))
            return prefix.hasPrefix(layout.prefix + "-") ? prefix : nil
        }.sorted()
    }

    /// The same, read afresh: a neighbour may have started since.
    static func neighbours(of layout: IndexLayout, _ client: ElasticsearchClient) async throws -> [String] {
        nestedPrefixes(in: try await installed(client), under: layout)
    }
}
