/// How a group's versioned targets are stored.
public enum StorageMode: String, Sendable {
    /// `-v1`/`-v2` are data streams and the stable name is a data stream alias
    /// (Elasticsearch 7.14 and later).
    case dataStreams = "data streams"
    /// `-v1`/`-v2` are plain indices and the stable name is an index alias with a write
    /// index (OpenSearch, older Elasticsearch, compatible engines).
    case aliases = "plain indices behind a write alias"

    /// What the cluster's root answer (`GET /`) suggests. OpenSearch has data streams,
    /// but no aliases over them, so the stable name needs plain indices there.
    public static func preferred(forClusterRoot root: JSONValue) -> StorageMode {
        let version = root["version"]
        if version?["distribution"]?.string == "opensearch" { return .aliases }
        let parts = (version?["number"]?.string ?? "").split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2 else { return .aliases }
        return parts[0] > 7 || (parts[0] == 7 && parts[1] >= 14) ? .dataStreams : .aliases
    }
}
