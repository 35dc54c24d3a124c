/// A log group as logstream keys it — in document ids, index names, checkpoints, leases,
/// metrics and reports. For the groups of AWS_REGION and LOG_GROUPS (the only source before
/// `[[source]]` existed) the key is the group's name, so an existing deployment keeps its
/// ids, indices and checkpoints. For the groups of a `[[source]]` it is
/// `account:region:name`: CloudWatch group names cannot contain `:`, so the same group name
/// in two accounts or regions never shares anything.
///
/// A value, read once where a key comes in (configuration, discovery, a report) and passed
/// as it is from then on (the page loop, the tail, the daemon, the log lines); `rawValue` is
/// what is stored — checkpoints, leases, reports and document ids keep the text.
package struct GroupKey: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The key as it is stored (checkpoints, leases, document ids, index names, reports).
    package let rawValue: String
    /// The group's name in CloudWatch.
    let name: String
    /// The account and region of a `[[source]]`'s group; nil for the default source's.
    let account: String?
    let region: String?

    /// Reads a stored key once: `account:region:name`, or a default-source group's name.
    package init(_ rawValue: String) {
        self.rawValue = rawValue
        let pieces = rawValue.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        if pieces.count == 3, !pieces[0].isEmpty, !pieces[1].isEmpty, !pieces[2].isEmpty {
            (account, region, name) = (String(pieces[0]), String(pieces[1]), String(pieces[2]))
        } else {
            (account, region, name) = (nil, nil, rawValue)
        }
    }

    /// A `[[source]]`'s group.
    init(account: String, region: String, name: String) {
        self.init("\(account):\(region):\(name)")
    }

    package init(stringLiteral value: String) {
        self.init(value)
    }

    /// `account:region` of a source's documents (`logstream.source`); nil for the default source.
    var source: String? { account.flatMap { account in region.map { "\(account):\($0)" } } }

    package var description: String { rawValue }

    package static func < (lhs: GroupKey, rhs: GroupKey) -> Bool { lhs.rawValue < rhs.rawValue }
}

