/// What the cluster's root answer (`GET /`) says about the engine: which product, which
/// version, and whether it is Elastic Cloud Serverless (`version.build_flavor:
/// serverless`), where shard settings are refused and refresh intervals start at 5 s.
struct ClusterInfo: Sendable, Equatable {
    var isOpenSearch: Bool
    /// `major.minor` (0.0 when the answer has no version, as some compatible engines do).
    var major: Int
    var minor: Int
    var isServerless: Bool

    init(root: JSONValue) {
        let version = root["version"]
        isOpenSearch = version?["distribution"]?.string == "opensearch"
        let parts = (version?["number"]?.string ?? "").split(separator: ".").compactMap { Int($0.prefix { $0.isNumber }) }
        major = parts.count >= 2 ? parts[0] : 0
        minor = parts.count >= 2 ? parts[1] : 0
        isServerless = version?["build_flavor"]?.string == "serverless"
    }

    /// Elasticsearch at or above `major.minor` (never OpenSearch, whose numbers restarted).
    func isElasticsearch(atLeast major: Int, _ minor: Int) -> Bool {
        !isOpenSearch && (self.major > major || (self.major == major && self.minor >= minor))
    }

    /// Aliases over data streams arrived in Elasticsearch 7.14. OpenSearch has data
    /// streams, but no aliases over them, so the stable name needs plain indices there.
    var offersDataStreamAliases: Bool { isServerless || isElasticsearch(atLeast: 7, 14) }

    /// A data stream's backing indices can be swapped in one step (`POST
    /// _data_stream/_modify`, Elasticsearch 7.16 on: `170_modify_data_stream.yml`).
    var offersDataStreamModify: Bool { isServerless || isElasticsearch(atLeast: 7, 16) }

    /// A template may switch the failure store off (`data_stream_options` in an index
    /// template: Elasticsearch 8.19 and 9.1 on, per the elasticsearch-specification's
    /// `IndexTemplateMapping`; 9.0 has no such field): with it on, a refused document is
    /// stored in `.fs-…` and answered as created. A cluster that refuses it anyway is asked
    /// again without it (`Bootstrap`).
    var offersFailureStoreOptions: Bool {
        isServerless || (isElasticsearch(atLeast: 8, 19) && !(major == 9 && minor == 0))
    }

    /// Serverless refuses `refresh_interval` below this.
    static let serverlessMinimumRefreshSeconds = 5.0
}
