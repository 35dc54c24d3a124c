import Synchronization
@testable import Engine

/// One Elasticsearch version as the requests logstream sends at start and while writing
/// meet it: a stateful fake (templates, data streams, aliases, indices) that refuses what
/// that version refuses — an unknown endpoint, a query parameter the endpoint does not
/// take, a template body field the version does not know — in the shapes Elasticsearch
/// answers them with. What each version takes comes from Elastic's own references, one
/// table each, so a request shape that works on one version and not another fails here:
///
/// - endpoints, methods and parameters: `rest-api-spec/src/main/resources/rest-api-spec/api/`
///   of elastic/elasticsearch (`info`, `indices.get_index_template`,
///   `cluster.get_component_template`, `indices.resolve_index`, `indices.put_index_template`,
///   `indices.simulate_index_template`, `indices.get_alias`, `indices.exists`,
///   `indices.create_data_stream`, `indices.update_aliases`, `indices.create`, `bulk`,
///   `indices.refresh`, `search`, and `_common.json` for the parameters every endpoint takes);
/// - template body fields and the version each arrived in: elastic/elasticsearch-specification
///   `specification/indices/put_index_template/IndicesPutIndexTemplateRequest.ts` (commit
///   07b10c73): `lifecycle` since 8.11.0, `data_stream_options` since 8.19.0 (in the 9.x line
///   from 9.1), `ignore_missing_component_templates` since 8.7, both on Serverless.
final class VersionedCluster: HTTPTransport {
    struct Version: Sendable, CustomStringConvertible {
        var major: Int
        var minor: Int
        var serverless = false

        var description: String { serverless ? "serverless" : "\(major).\(minor)" }

        func atLeast(_ major: Int, _ minor: Int) -> Bool {
            self.major > major || (self.major == major && self.minor >= minor)
        }

        var root: String {
            let number = serverless ? "8.11.0" : "\(major).\(minor).0"
            let flavor = serverless ? "serverless" : "default"
            return #"{"name":"node-1","cluster_name":"es","version":{"number":"\#(number)","build_flavor":"\#(flavor)","build_type":"docker"},"tagline":"You Know, for Search"}"#
        }

        /// The versions users run that the suite holds logstream to.
        static let matrix: [Version] = [
            Version(major: 8, minor: 13), Version(major: 8, minor: 17), Version(major: 8, minor: 18), Version(major: 8, minor: 19),
            Version(major: 9, minor: 0), Version(major: 9, minor: 1), Version(major: 8, minor: 11, serverless: true),
        ]
    }

    /// An index template's body fields, and `template`'s, that `version` takes.
    static func templateFields(_ version: Version) -> (body: Set<String>, template: Set<String>) {
        var body: Set<String> = ["index_patterns", "composed_of", "template", "data_stream", "priority", "version", "_meta", "allow_auto_create"]
        var template: Set<String> = ["aliases", "mappings", "settings"]
        if version.serverless || version.atLeast(8, 7) { body.insert("ignore_missing_component_templates") }
        if version.serverless || version.atLeast(8, 11) { template.insert("lifecycle") }
        if version.serverless || (version.atLeast(8, 19) && !(version.major == 9 && version.minor == 0)) { template.insert("data_stream_options") }
        return (body, template)
    }

    /// Endpoints: method, path pattern (`{}` one segment), and the parameters each takes
    /// besides `_common.json`'s.
    static let endpoints: [(method: String, path: String, parameters: Set<String>)] = [
        ("GET", "/", []),
        ("GET", "/_index_template/{}", ["flat_settings", "master_timeout", "local", "include_defaults"]),
        ("GET", "/_component_template/{}", ["flat_settings", "master_timeout", "local", "include_defaults"]),
        ("GET", "/_resolve/index/{}", ["expand_wildcards", "ignore_unavailable", "allow_no_indices"]),
        ("PUT", "/_index_template/{}", ["create", "master_timeout", "cause"]),
        ("POST", "/_index_template/_simulate_index/{}", ["master_timeout", "include_defaults"]),
        ("GET", "/_alias/{}", ["ignore_unavailable", "allow_no_indices", "expand_wildcards", "local", "master_timeout"]),
        ("HEAD", "/{}", ["local", "ignore_unavailable", "allow_no_indices", "expand_wildcards", "flat_settings", "include_defaults"]),
        ("PUT", "/_data_stream/{}", ["master_timeout", "timeout"]),
        ("POST", "/_aliases", ["master_timeout", "timeout"]),
        ("PUT", "/{}", ["wait_for_active_shards", "timeout", "master_timeout"]),
        ("POST", "/_bulk", ["wait_for_active_shards", "refresh", "routing", "timeout", "type", "_source", "_source_excludes", "_source_includes",
                            "pipeline", "require_alias", "require_data_stream", "list_executed_pipelines", "include_source_on_error"]),
        ("POST", "/{}/_refresh", ["ignore_unavailable", "allow_no_indices", "expand_wildcards"]),
        ("POST", "/{}/_search", ["ignore_unavailable", "allow_no_indices", "expand_wildcards", "scroll", "size", "from", "track_total_hits",
                                 "allow_partial_search_results", "preference", "routing", "search_type", "request_cache"]),
    ]
    static let commonParameters: Set<String> = ["pretty", "human", "error_trace", "source", "filter_path"]

    let version: Version
    private let state = Mutex(State())
    private let log = Mutex<[(method: String, path: String, status: Int)]>([])

    struct State {
        var templates: [String: JSONValue] = [:]
        var dataStreams: Set<String> = []
        var indices: Set<String> = []
        /// alias → its members.
        var aliases: [String: Set<String>] = [:]
        var documents: [String: Set<String>] = [:]
    }

    init(_ version: Version) {
        self.version = version
    }

    /// Every request and the status it was answered with.
    var answered: [(method: String, path: String, status: Int)] { log.withLock { $0 } }

    func client() -> ElasticsearchClient {
        ElasticsearchClient(transport: self, baseURL: "http://es.test:9200", auth: .none, tls: TLSOptions(), timeoutSeconds: 5)
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let target = String(request.url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        let (status, body) = answer(request, target)
        log.withLock { $0.append((request.method, target, status)) }
        return HTTPResponse(status: status, body: Array(body.utf8))
    }

    private func answer(_ request: HTTPRequest, _ target: String) -> (Int, String) {
        let parts = target.split(separator: "?", maxSplits: 1)
        let path = String(parts.first ?? "")
        let parameters = parts.count > 1 ? parts[1].split(separator: "&").map { String($0.split(separator: "=")[0]) } : []
        guard let endpoint = Self.endpoints.first(where: { $0.method == request.method && Self.matches(path, $0.path) }) else {
            return (400, #"{"error":"no handler found for uri [\#(path)] and method [\#(request.method)]","status":400}"#)
        }
        if let unknown = parameters.first(where: { !endpoint.parameters.contains($0) && !Self.commonParameters.contains($0) }) {
            return Self.refusal(400, "illegal_argument_exception", "request [\(path)] contains unrecognized parameter: [\(unknown)]")
        }
        let name = String(path.split(separator: "/").last ?? "")
        let raw = Array(request.body)
        let json = raw.isEmpty ? nil : try? JSONParser().parse(raw)
        return state.withLock { state in handle(request.method, endpoint.path, name: name, path: path, body: json, raw: raw, &state) }
    }

    private func handle(_ method: String, _ endpoint: String, name: String, path: String, body: JSONValue?, raw: [UInt8], _ state: inout State) -> (Int, String) {
        let acknowledged = (200, #"{"acknowledged":true}"#)
        switch (method, endpoint) {
        case ("GET", "/"):
            return (200, version.root)
        case ("GET", "/_index_template/{}"):
            let found = state.templates.filter { Self.glob(name, $0.key) }
            let items = found.keys.sorted().map { #"{"name":"\#($0)","index_template":\#(found[$0]!.serialized.text)}"# }
            return found.isEmpty ? Self.refusal(404, "resource_not_found_exception", "index template matching [\(name)] not found")
                : (200, #"{"index_templates":[\#(items.joined(separator: ","))]}"#)
        case ("GET", "/_component_template/{}"):
            return Self.refusal(404, "resource_not_found_exception", "component template matching [\(name)] not found")
        case ("GET", "/_resolve/index/{}"):
            return (200, #"{"indices":[],"aliases":[],"data_streams":[]}"#)
        case ("PUT", "/_index_template/{}"):
            let fields = Self.templateFields(version)
            for member in body?.members ?? [] where !fields.body.contains(member.key) {
                return Self.refusal(400, "x_content_parse_exception", "[1:2] [index_template] unknown field [\(member.key)]")
            }
            for member in body?["template"]?.members ?? [] where !fields.template.contains(member.key) {
                return Self.refusal(400, "x_content_parse_exception", "[1:2] [index_template] failed to parse field [template]",
                                    cause: "[1:3] [template] unknown field [\(member.key)]")
            }
            state.templates[name] = body
            return acknowledged
        case ("POST", "/_index_template/_simulate_index/{}"):
            return (200, #"{"template":{"settings":{},"mappings":{},"aliases":{}},"overlapping":[]}"#)
        case ("GET", "/_alias/{}"):
            guard let members = state.aliases[name] else { return (404, #"{"error":"alias [\#(name)] missing","status":404}"#) }
            let items = members.sorted().map { #""\#($0)":{"aliases":{"\#(name)":{"is_write_index":true}}}"# }
            return (200, "{\(items.joined(separator: ","))}")
        case ("HEAD", "/{}"):
            return (state.indices.contains(name) || state.dataStreams.contains(name) || state.aliases[name] != nil ? 200 : 404, "")
        case ("PUT", "/_data_stream/{}"):
            guard state.templates.values.contains(where: { $0["data_stream"] != nil && Self.covers($0, name) }) else {
                return Self.refusal(400, "illegal_argument_exception", "no matching index template found for data stream [\(name)]")
            }
            state.dataStreams.insert(name)
            return acknowledged
        case ("POST", "/_aliases"):
            for action in body?["actions"]?.array ?? [] {
                if let add = action["add"], let index = add["index"]?.string, let alias = add["alias"]?.string {
                    state.aliases[alias, default: []].insert(index)
                }
            }
            return acknowledged
        case ("PUT", "/{}"):
            state.indices.insert(name)
            for alias in body?["aliases"]?.members ?? [] { state.aliases[alias.key, default: []].insert(name) }
            return (200, #"{"acknowledged":true,"shards_acknowledged":true,"index":"\#(name)"}"#)
        case ("POST", "/_bulk"):
            var items: [String] = []
            for line in raw.split(separator: UInt8(ascii: "\n")) {
                guard let action = try? JSONParser().parse(Array(line)), let create = action["create"] else { continue }
                let index = create["_index"]?.string ?? ""
                let id = create["_id"]?.string ?? ""
                guard state.aliases[index] != nil || create["require_alias"] != .bool(true) else {
                    items.append(#"{"create":{"_index":"\#(index)","_id":"\#(id)","status":404,"error":{"type":"index_not_found_exception","reason":"no such index [\#(index)] and [require_alias] request flag is [true] and [\#(index)] is not an alias"}}}"#)
                    continue
                }
                let fresh = state.documents[index, default: []].insert(id).inserted
                items.append(fresh ? #"{"create":{"_index":"\#(index)","_id":"\#(id)","_version":1,"result":"created","status":201}}"#
                                   : #"{"create":{"_index":"\#(index)","_id":"\#(id)","status":409,"error":{"type":"version_conflict_engine_exception","reason":"document already exists"}}}"#)
            }
            return (200, #"{"took":1,"errors":false,"items":[\#(items.joined(separator: ","))]}"#)
        case ("POST", "/{}/_refresh"):
            return (200, #"{"_shards":{"total":1,"successful":1,"failed":0}}"#)
        case ("POST", "/{}/_search"):
            let index = String(path.split(separator: "/").first ?? "")
            let wanted = Set((body?["query"]?["ids"]?["values"]?.array ?? []).compactMap(\.string))
            let hits = state.documents[index, default: []].intersection(wanted).sorted().map { #"{"_index":"\#(index)","_id":"\#($0)","_score":1.0}"# }
            return (200, #"{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":\#(hits.count),"relation":"eq"},"max_score":1.0,"hits":[\#(hits.joined(separator: ","))]}}"#)
        default:
            return (400, #"{"error":"no handler found for uri [\#(path)] and method [\#(method)]","status":400}"#)
        }
    }

    /// Elasticsearch's error shape: `root_cause` holds the innermost reason.
    static func refusal(_ status: Int, _ type: String, _ reason: String, cause: String? = nil) -> (Int, String) {
        let root = cause ?? reason
        let causedBy = cause.map { #","caused_by":{"type":"\#(type)","reason":"\#($0)"}"# } ?? ""
        return (status, #"{"error":{"root_cause":[{"type":"\#(type)","reason":"\#(root)"}],"type":"\#(type)","reason":"\#(reason)"\#(causedBy)},"status":\#(status)}"#)
    }

    static func matches(_ path: String, _ pattern: String) -> Bool {
        let have = path.split(separator: "/", omittingEmptySubsequences: false)
        let want = pattern.split(separator: "/", omittingEmptySubsequences: false)
        guard have.count == want.count else { return false }
        return zip(have, want).allSatisfy { $1 == "{}" ? !$0.isEmpty && !$0.hasPrefix("_") : $0 == $1 }
    }

    static func covers(_ template: JSONValue, _ name: String) -> Bool {
        (template["index_patterns"]?.array ?? []).contains { $0.string.map { glob($0, name) } ?? false }
    }

    static func glob(_ pattern: String, _ name: String) -> Bool {
        guard let star = pattern.firstIndex(of: "*") else { return pattern == name }
        let head = pattern[..<star]
        let rest = String(pattern[pattern.index(after: star)...])
        guard name.hasPrefix(head) else { return false }
        var remainder = name.dropFirst(head.count)
        while true {
            if glob(rest, String(remainder)) { return true }
            guard !remainder.isEmpty else { return false }
            remainder = remainder.dropFirst()
        }
    }
}

private extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}
