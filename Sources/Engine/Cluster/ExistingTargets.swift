/// The versioned targets (`{prefix}-{slug}-v1`, `-v2`) a cluster already holds for a
/// prefix, by kind, read from `GET /_resolve/index/{prefix}-*?expand_wildcards=all`
/// (response shape: `indices` with an optional `data_stream`, `aliases`, `data_streams`
/// — Elasticsearch's `80_resolve_index_data_streams.yml` and the Resolve index API
/// reference). Decides the storage mode of a prefix that is not empty, so that a cluster
/// upgraded past 7.14, or run earlier in alias mode, keeps plain indices instead of getting
/// data streams beside them.
struct ExistingTargets: Equatable {
    var plainIndices: [String] = []
    var dataStreams: [String] = []

    /// `nested`: longer prefixes of other logstream deployments inside this one
    /// (`cloudwatch-prod` in `cloudwatch`), whose targets `{prefix}-*` also matches.
    init(resolve: JSONValue, layout: IndexLayout, nested: [String] = []) {
        func ours(_ name: String) -> Bool { layout.owns(name, excluding: nested) && IndexLayout.looksVersioned(name) }
        for index in resolve["indices"]?.array ?? [] {
            guard let name = index["name"]?.string, index["data_stream"] == nil, ours(name) else { continue }
            plainIndices.append(name)
        }
        for stream in resolve["data_streams"]?.array ?? [] {
            guard let name = stream["name"]?.string, ours(name) else { continue }
            dataStreams.append(name)
        }
    }

    init(plainIndices: [String], dataStreams: [String]) {
        self.plainIndices = plainIndices
        self.dataStreams = dataStreams
    }

    var isEmpty: Bool { plainIndices.isEmpty && dataStreams.isEmpty }
}
