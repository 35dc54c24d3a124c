/// The Elasticsearch query that selects one group's documents and no other deployment's
/// (reconcile, the daemon's verification and its deletions read and delete through it).
enum GroupFilter {
    /// The Elasticsearch filter for the documents of `key`'s group and no other deployment's:
    /// the group's name, and its source — `logstream.source` for a `[[source]]`; for the
    /// default source, no `logstream.source`, its region (`cloud.region`, on every document)
    /// and, where its account is known, that account or none recorded (documents written
    /// before the default source recorded its account).
    static func of(_ key: GroupKey, defaultSource: SourceIdentity) -> [JSONValue] {
        let term: JSONValue = ["term": .object([JSONMember(DocumentSchema.logGroup, .string(key.name))])]
        if let source = key.source {
            return [term, ["term": .object([JSONMember(DocumentSchema.source, .string(source))])]]
        }
        var filters: [JSONValue] = [
            term, ["bool": ["must_not": [["exists": ["field": .string(DocumentSchema.source)]]]]],
            ["term": .object([JSONMember(DocumentSchema.cloudRegion, .string(defaultSource.region))])],
        ]
        if let account = defaultSource.account {
            filters.append(["bool": ["minimum_should_match": 1, "should": [
                ["term": .object([JSONMember(DocumentSchema.cloudAccount, .string(account))])],
                ["bool": ["must_not": [["exists": ["field": .string(DocumentSchema.cloudAccount)]]]]],
            ]]])
        }
        return filters
    }
}

/// Whose CloudWatch a source reads: its region, and its account where it is known. Two
/// deployments that write one group name into the same target (the default prefix, one in
/// us-east-1, one in eu-west-1) are told apart by it.
struct SourceIdentity: Sendable, Equatable {
    var region: String
    var account: String?
}
