/// Creates what the layout needs before the first write: the template, and for each
/// group the `-v1` target with the stable name as its write alias. Safe to repeat; an
/// alias that already exists is left alone, because repairs may have moved it.
///
/// The storage mode is decided once per process and logged: from what the prefix already
/// holds (a prefix never mixes plain indices and data streams), and for an empty prefix
/// from the cluster — data streams behind aliases where the engine has them, otherwise, or
/// when creating one is refused as unsupported, plain indices.
actor Bootstrap {
    let client: ElasticsearchClient
    let layout: IndexLayout
    private(set) var mode: StorageMode?
    private(set) var cluster: ClusterInfo?
    /// ES_TEMPLATE_PRIORITY (nil: `IndexTemplate.defaultPriority`).
    let priority: Int?
    /// Whether the template switches the failure store off; dropped if the cluster refuses it.
    private var failureStoreOff = false
    /// What the template kept, as last said in the log.
    private var announcedKept: IndexTemplate.Kept?

    init(client: ElasticsearchClient, layout: IndexLayout, mode: StorageMode? = nil, cluster: ClusterInfo? = nil, priority: Int? = nil) {
        self.client = client
        self.layout = layout
        self.mode = mode
        self.cluster = cluster
        self.priority = priority
    }

    var effectivePriority: Int { priority ?? IndexTemplate.defaultPriority(for: layout) }

    /// Decides the storage mode, installs the template and checks that it governs the
    /// prefix's target names.
    func prepare() async throws {
        let cluster = try await clusterInfo()
        let installed = try await installedTemplates()
        if mode == nil { mode = try await decideMode(cluster: cluster, installed: installed) }
        failureStoreOff = mode == .dataStreams && cluster.offersFailureStoreOptions
        try await putTemplate(installed: installed[layout.templateName])
        try await checkGoverned("\(layout.prefix)-logstream-template-check-v1")
    }

    private func clusterInfo() async throws -> ClusterInfo {
        if let cluster { return cluster }
        let info = ClusterInfo(root: try await client.json("GET", "/"))
        cluster = info
        return info
    }

    /// From the targets the prefix holds; see `ExistingTargets`.
    private func decideMode(cluster: ClusterInfo, installed: [String: JSONValue]) async throws -> StorageMode {
        let preferred = StorageMode.preferred(for: cluster)
        let path = "/_resolve/index/\(layout.pattern)?expand_wildcards=all"
        let answer = try await client.send("GET", path)
        guard answer.status == 200, let resolved = try? JSONParser().parse(answer.body) else {
            let error = ElasticsearchError.from(answer, method: "GET", path: path)
            Log.warn("cannot list what the prefix holds, so the storage mode follows the cluster's version alone",
                     ("mode", preferred.rawValue), ("error", "\(error.type): \(error.reason)"),
                     ("fix", "grant view_index_metadata on \(layout.pattern) (or the resolve API is missing: Elasticsearch before 7.9)"))
            return preferred
        }
        let existing = ExistingTargets(resolve: resolved, layout: layout, nested: LogstreamTemplates.nestedPrefixes(in: installed, under: layout))
        switch (existing.plainIndices.isEmpty, existing.dataStreams.isEmpty) {
        case (true, true):
            return preferred
        case (false, true):
            if preferred == .dataStreams {
                Log.info("the prefix already holds plain indices; new groups get plain indices too, never data streams beside them",
                         ("prefix", layout.prefix), ("plain_targets", existing.plainIndices.count))
            }
            return .aliases
        case (true, false):
            return cluster.offersDataStreamAliases ? .dataStreams : .aliases
        case (false, false):
            let chosen: StorageMode = installed[layout.templateName]?["data_stream"] != nil && cluster.offersDataStreamAliases ? .dataStreams : .aliases
            Log.warn("the prefix holds both plain indices and data streams; new groups follow the installed template; heal and reconcile handle each group as it is",
                     ("prefix", layout.prefix), ("plain_targets", existing.plainIndices.count), ("data_streams", existing.dataStreams.count),
                     ("mode", chosen.rawValue))
            return chosen
        }
    }

    /// Every logstream template (`logstream-*`), by name.
    private func installedTemplates() async throws -> [String: JSONValue] {
        try await LogstreamTemplates.installed(client)
    }

    private static func pins(in template: JSONValue?) -> [String: JSONValue] {
        var pins: [String: JSONValue] = [:]
        for member in template?["_meta"]?["pinned_fields"]?.members ?? [] { pins[member.key] = member.value }
        return pins
    }

    /// Installs the template, keeping the fields `heal` pinned in the one already there.
    func ensureTemplate() async throws {
        try await putTemplate(installed: try await installedTemplates()[layout.templateName])
    }

    /// Adds pinned fields to the template (new indices get the winning types).
    func pin(_ fields: [String: JSONValue]) async throws {
        try await putTemplate(installed: try await installedTemplates()[layout.templateName], adding: fields)
    }

    /// Whether a component template of that name exists (the answer lists it).
    private func componentExists(_ name: String) async throws -> Bool {
        let answer = try await client.send("GET", "/_component_template/\(name)")
        guard answer.status == 200, let json = try? JSONParser().parse(answer.body) else { return false }
        return (json["component_templates"]?.array ?? []).contains { $0["name"]?.string == name }
    }

    /// Puts the template over `installed` (the one there, if any): the fields `heal` pinned
    /// in it and what the user added to it (`IndexTemplate.Kept`) stay, and the user's
    /// component template `<prefix>@custom` is composed in when it exists.
    private func putTemplate(installed: JSONValue?, adding pins: [String: JSONValue] = [:]) async throws {
        let path = "/_index_template/\(layout.templateName)"
        let pins = Self.pins(in: installed).merging(pins) { $1 }
        var kept = IndexTemplate.Kept(installed: installed, layout: layout)
        if try await componentExists(layout.customComponent) { kept.composedOf.append(layout.customComponent) }
        if kept != announcedKept {
            announcedKept = kept
            if !kept.isEmpty {
                Log.info("the index template keeps what was added to it", ("template", layout.templateName),
                         ("composed_of", kept.composedOf.joined(separator: ",")), ("settings", kept.settings != nil), ("lifecycle", kept.lifecycle != nil))
            }
        }
        var body = IndexTemplate.body(layout: layout, mode: mode ?? .aliases, pins: pins, priority: priority, failureStoreOff: failureStoreOff, kept: kept)
        var answer = try await client.send("PUT", path, body: body.serialized)
        if answer.status == 400 && failureStoreOff && ElasticsearchError.from(answer, method: "PUT", path: path).mentions("data_stream_options") {
            // A cluster that does not take the option in templates after all (it names the
            // field only in `caused_by`: "[index_template] failed to parse field [template]").
            failureStoreOff = false
            body = IndexTemplate.body(layout: layout, mode: mode ?? .aliases, pins: pins, priority: priority, kept: kept)
            answer = try await client.send("PUT", path, body: body.serialized)
        }
        guard (200..<300).contains(answer.status) else {
            let error = ElasticsearchError.from(answer, method: "PUT", path: path)
            if error.reason.contains("same priority") {
                throw ElasticsearchError(method: "PUT", path: path, status: error.status, type: error.type,
                                         reason: "\(error.reason) — set ES_TEMPLATE_PRIORITY to a priority no other template matching \(layout.pattern) has (now \(effectivePriority))")
            }
            throw error
        }
    }

    /// Fails when another template of higher priority would govern `name`: new targets would
    /// then get its mappings (and, for data streams, perhaps no data stream at all). Uses
    /// `POST /_index_template/_simulate_index/<name>`, whose `overlapping` lists the
    /// templates that matched but were superseded (Elasticsearch's
    /// `indices.simulate_index_template/10_basic.yml`); engines without it are not checked.
    func checkGoverned(_ name: String) async throws {
        let path = "/_index_template/_simulate_index/\(name)"
        let answer = try await client.send("POST", path)
        guard answer.status == 200, let json = try? JSONParser().parse(answer.body) else {
            Log.debug("template check skipped: the cluster cannot simulate templates", ("status", answer.status))
            return
        }
        let superseded = (json["overlapping"]?.array ?? []).contains { $0["name"]?.string == layout.templateName }
        guard superseded else { return }
        let winners = try await templatesAbove(effectivePriority, matching: name)
        let named = winners.isEmpty ? "another index template" : winners.map { "\($0.name) (priority \($0.priority))" }.joined(separator: ", ")
        throw ElasticsearchError(method: "POST", path: path, status: 200, type: "template_superseded",
                                 reason: "\(named) would govern \(name) instead of \(layout.templateName) (priority \(effectivePriority)); set ES_TEMPLATE_PRIORITY above it, or narrow that template's index_patterns")
    }

    /// Templates of higher priority whose patterns match `name` (for the error message).
    private func templatesAbove(_ priority: Int, matching name: String) async throws -> [(name: String, priority: Int)] {
        let answer = try await client.send("GET", "/_index_template")
        guard answer.status == 200, let json = try? JSONParser().parse(answer.body) else { return [] }
        return (json["index_templates"]?.array ?? []).compactMap { entry in
            guard let templateName = entry["name"]?.string, templateName != layout.templateName,
                  let template = entry["index_template"], let rank = template["priority"]?.int, rank > priority else { return nil }
            let patterns: [String] = template["index_patterns"]?.array?.compactMap(\.string) ?? template["index_patterns"]?.string.map { [$0] } ?? []
            return patterns.contains { Self.glob($0, matches: name) } ? (templateName, rank) : nil
        }
    }

    /// Index-pattern matching with `*` only, as index templates use it.
    static func glob(_ pattern: String, matches name: String) -> Bool {
        let pattern = Array(pattern.utf8), name = Array(name.utf8)
        let star = UInt8(ascii: "*")
        var p = 0, n = 0, lastStar = -1, resume = 0
        while n < name.count {
            if p < pattern.count && pattern[p] == star {
                lastStar = p
                resume = n
                p += 1
            } else if p < pattern.count && pattern[p] == name[n] {
                p += 1
                n += 1
            } else if lastStar >= 0 {
                p = lastStar + 1
                resume += 1
                n = resume
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == star { p += 1 }
        return p == pattern.count
    }

    func ensureGroup(_ group: GroupKey) async throws {
        let stable = layout.stableName(for: group)
        let aliasProbe = try await client.send("GET", "/_alias/\(stable)")
        if aliasProbe.status == 200 {
            return
        }
        // Something else holds the name (an index or data stream someone created, a restore):
        // the alias could never be added, so say so before creating anything. Unless it is
        // the alias itself, which another instance starting at the same moment just made.
        if try await client.send("HEAD", "/\(stable)").status == 200 {
            if try await client.send("GET", "/_alias/\(stable)").status == 200 { return }
            throw ElasticsearchError(method: "GET", path: "/_alias/\(stable)", status: 409, type: "name_taken",
                                     reason: "\(stable) already exists as an index or data stream, not as logstream's alias for \(group); "
                                         + "rename or remove it (reindex what it holds if it is needed), or choose another INDEX_PREFIX")
        }
        try await checkGoverned(layout.versionedName(for: group, version: 1))
        if mode == .dataStreams {
            do {
                try await createDataStream(group)
                return
            } catch let refusal as DataStreamsUnavailable {
                Log.warn("this cluster does not create data streams; using plain indices behind a write alias instead",
                         ("reason", refusal.reason))
                mode = .aliases
                failureStoreOff = false
                try await ensureTemplate()
            }
        }
        try await createIndex(group)
    }

    private func createDataStream(_ group: GroupKey) async throws {
        let stable = layout.stableName(for: group)
        let v1 = layout.versionedName(for: group, version: 1)
        let create = try await client.send("PUT", "/_data_stream/\(v1)")
        if !(200..<300).contains(create.status) {
            let error = ElasticsearchError.from(create, method: "PUT", path: "/_data_stream/\(v1)")
            if Self.meansUnsupported(error) { throw DataStreamsUnavailable(reason: "\(error.type): \(error.reason)") }
            if error.status == 404 || error.status == 405 {
                throw ElasticsearchError(method: "PUT", path: "/_data_stream/\(v1)", status: error.status, type: error.type,
                                         reason: "\(error.reason) — not an answer of Elasticsearch (a proxy in front of it may not pass the data stream API on); "
                                             + "allow PUT /_data_stream/ through it, or point ES_HOST at the cluster itself")
            }
            guard error.type == "resource_already_exists_exception" else { throw error }
        }
        let actions: JSONValue = ["actions": [["add": ["index": .string(v1), "alias": .string(stable), "is_write_index": true]]]]
        try await client.json("POST", "/_aliases", actions)
        Log.group(group).info("created data stream", ("data_stream", v1), ("alias", stable))
    }

    private func createIndex(_ group: GroupKey) async throws {
        let stable = layout.stableName(for: group)
        let v1 = layout.versionedName(for: group, version: 1)
        let create = try await client.send("PUT", "/\(v1)", body: (["aliases": [stable: ["is_write_index": true]]] as JSONValue).serialized)
        if (200..<300).contains(create.status) {
            Log.group(group).info("created index", ("index", v1), ("alias", stable))
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

    /// Answers of engines that accept the API but cannot do it, or do not know it ("no handler
    /// found for uri", as Elasticsearch and OpenSearch say of an unknown endpoint). A bare 404
    /// or 405 without the engine's words (a proxy that does not pass the API on) is not one:
    /// switching a prefix to plain indices on it would mix storage modes for good.
    static func meansUnsupported(_ error: ElasticsearchError) -> Bool {
        let text = (error.type + " " + error.reason).lowercased()
        return text.contains("unsupported") || text.contains("not supported") || text.contains("no handler found")
    }
}

struct DataStreamsUnavailable: Error {
    var reason: String
}
