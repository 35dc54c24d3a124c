/// A log group as logstream keys it — in document ids, index names, checkpoints, leases,
/// metrics and reports. For the groups of AWS_REGION and LOG_GROUPS (the only source before
/// `[[source]]` existed) the key is the group's name, so an existing deployment keeps its
/// ids, indices and checkpoints. For the groups of a `[[source]]` it is
/// `account:region:name`: CloudWatch group names cannot contain `:`, so the same group name
/// in two accounts or regions never shares anything.
enum GroupKey {
    struct Parts: Sendable, Equatable {
        var account: String
        var region: String
        var name: String
    }

    static func qualified(account: String, region: String, name: String) -> String {
        "\(account):\(region):\(name)"
    }

    /// The parts of a qualified key; nil for the name of a group of the default source.
    static func parse(_ key: String) -> Parts? {
        let pieces = key.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3, !pieces[0].isEmpty, !pieces[1].isEmpty, !pieces[2].isEmpty else { return nil }
        return Parts(account: String(pieces[0]), region: String(pieces[1]), name: String(pieces[2]))
    }

    /// The CloudWatch name of the group.
    static func name(_ key: String) -> String { parse(key)?.name ?? key }

    /// `account:region` of a source's documents (`logstream.source`); nil for the default source.
    static func source(_ key: String) -> String? { parse(key).map { "\($0.account):\($0.region)" } }
}
