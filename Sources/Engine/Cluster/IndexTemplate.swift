/// The index template installed for a prefix: explicit mappings for the fixed fields so
/// they never depend on which document happened to arrive first. With plain indices it
/// covers the whole prefix, so that any index there (a sibling copy, a restore) maps the
/// fields reconcile searches and sorts on the same way; with data streams only the
/// versioned targets (`{prefix}-*-v1`, `-v2`), since every data stream the template
/// matched would become one of ours. Fields `heal` settled are pinned to their winning type (and remembered in
/// `_meta.pinned_fields`, so later starts keep them).
enum IndexTemplate {
    /// Without ES_TEMPLATE_PRIORITY: 200 plus the prefix's length, so that of two logstream
    /// prefixes nested in one another (`cloudwatch-prod` in `cloudwatch`) the longer one
    /// governs its own names, and Elasticsearch never sees two overlapping templates of one
    /// priority (which it refuses).
    static func defaultPriority(for layout: IndexLayout) -> Int { 200 + layout.prefix.utf8.count }

    /// `failureStoreOff`: the data streams' failure store is switched off
    /// (`data_stream_options`, Elasticsearch 8.18 and later), so a refused document is
    /// answered as refused and takes the safe form, instead of landing in `.fs-…`.
    /// What the user added to the installed template (its settings, a data stream
    /// lifecycle, component templates it is composed of), kept when logstream puts it again,
    /// so that a restart never drops a retention or a shard count; plus the user's
    /// `<prefix>@custom` component, where one exists.
    struct Kept: Sendable, Equatable {
        var settings: JSONValue?
        var lifecycle: JSONValue?
        var composedOf: [String] = []

        init() {}

        /// From the template installed now (`<prefix>@custom` left out: it is added while it exists).
        init(installed: JSONValue?, layout: IndexLayout) {
            settings = installed?["template"]?["settings"].flatMap { ($0.members ?? []).isEmpty ? nil : $0 }
            lifecycle = installed?["template"]?["lifecycle"]
            composedOf = (installed?["composed_of"]?.array ?? []).compactMap(\.string).filter { $0 != layout.customComponent }
        }

        var isEmpty: Bool { settings == nil && lifecycle == nil && composedOf.isEmpty }
    }

    static func body(layout: IndexLayout, mode: StorageMode = .aliases, pins: [String: JSONValue] = [:],
                     priority: Int? = nil, failureStoreOff: Bool = false, kept: Kept = Kept()) -> JSONValue {
        let mappings = pinned(DocumentSchema.mappings, pins)
        let meta: JSONValue = pins.isEmpty ? ["managed_by": "logstream"]
            : ["managed_by": "logstream", "pinned_fields": .object(pins.keys.sorted().map { JSONMember($0, pins[$0]!) })]
        let priority: JSONValue = .int(priority ?? defaultPriority(for: layout))
        var template: [JSONMember] = [JSONMember("mappings", mappings)]
        if let settings = kept.settings { template.append(JSONMember("settings", settings)) }
        if let lifecycle = kept.lifecycle { template.append(JSONMember("lifecycle", lifecycle)) }
        var body: [JSONMember]
        switch mode {
        case .aliases:
            body = [JSONMember("index_patterns", [.string(layout.pattern)]), JSONMember("priority", priority)]
        case .dataStreams:
            if failureStoreOff {
                // Elasticsearch's 220_failure_store_cluster_setting.yml: `enabled: false` in the
                // template wins over the cluster's data_streams.failure_store.enabled patterns.
                template.append(JSONMember("data_stream_options", ["failure_store": ["enabled": false]]))
            }
            body = [JSONMember("index_patterns", .array(layout.versionedPatterns.map { .string($0) })), JSONMember("data_stream", [:]),
                    JSONMember("priority", priority)]
        }
        if !kept.composedOf.isEmpty { body.append(JSONMember("composed_of", .array(kept.composedOf.map { .string($0) }))) }
        return .object(body + [JSONMember("template", .object(template)), JSONMember("_meta", meta)])
    }

    /// `mappings` with each pinned field's mapping placed at its path (`json.status` →
    /// properties.json.properties.status).
    static func pinned(_ mappings: JSONValue, _ pins: [String: JSONValue]) -> JSONValue {
        var result = mappings
        for path in pins.keys.sorted() {
            result = insert(pins[path]!, at: path.split(separator: ".").map(String.init)[...], into: result)
        }
        return result
    }

    private static func insert(_ mapping: JSONValue, at path: ArraySlice<String>, into node: JSONValue) -> JSONValue {
        guard let head = path.first else { return node }
        var members = node.members ?? []
        var properties = members.first { $0.key == "properties" }?.value.members ?? []
        let existing = properties.first { $0.key == head }?.value ?? .object([])
        let updated: JSONValue
        if path.count == 1 {
            updated = mapping
        } else if existing["type"] != nil && existing["type"] != "object" {
            // A scalar is pinned above this path already; the deeper pin cannot apply.
            return node
        } else {
            updated = insert(mapping, at: path.dropFirst(), into: existing)
        }
        properties.removeAll { $0.key == head }
        properties.append(JSONMember(head, updated))
        members.removeAll { $0.key == "properties" }
        members.append(JSONMember("properties", .object(properties)))
        return .object(members)
    }
}
