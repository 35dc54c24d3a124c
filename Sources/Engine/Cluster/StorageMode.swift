/// How a group's versioned targets are stored.
enum StorageMode: String, Sendable {
    /// `-v1`/`-v2` are data streams and the stable name is a data stream alias
    /// (Elasticsearch 7.14 and later).
    case dataStreams = "data streams"
    /// `-v1`/`-v2` are plain indices and the stable name is an index alias with a write
    /// index (OpenSearch, older Elasticsearch, compatible engines).
    case aliases = "plain indices behind a write alias"

    /// What a cluster with nothing under the prefix yet should get. Where targets exist,
    /// `ExistingTargets` decides instead: a prefix never mixes the two.
    static func preferred(for cluster: ClusterInfo) -> StorageMode {
        cluster.offersDataStreamAliases ? .dataStreams : .aliases
    }

    static func preferred(forClusterRoot root: JSONValue) -> StorageMode {
        preferred(for: ClusterInfo(root: root))
    }
}
