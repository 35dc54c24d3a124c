/// Names of everything logstream creates in Elasticsearch for a log group:
///
///     {prefix}-{group-slug}        stable name (alias) that queries and writes use
///     {prefix}-{group-slug}-v1     active versioned target
///     {prefix}-{group-slug}-v2     standby target for repairs
///
/// and the one index template per prefix, so `{prefix}-*` covers every group.
package struct IndexLayout: Sendable {
    var prefix: String

    package init(prefix: String) {
        self.prefix = prefix
    }

    var templateName: String { "logstream-\(prefix)" }
    /// The user's component template, composed into ours when it exists (Elastic's
    /// `<name>@custom` convention): where a lifecycle, an ILM policy or shard settings go.
    var customComponent: String { "\(prefix)@custom" }
    /// Every name under the prefix — including those of a neighbouring deployment whose
    /// prefix is nested in this one (`cloudwatch-prod-*` is under `cloudwatch-*`). For
    /// reading or changing documents use `ownPattern(excluding:)` or `targets(of:)`.
    var pattern: String { "\(prefix)-*" }

    /// The prefix's names without those of the nested prefixes of other deployments:
    /// `cloudwatch-*,-cloudwatch-prod-*` (Elasticsearch's multi-target syntax, where a
    /// leading `-` excludes what the wildcards before it matched).
    func ownPattern(excluding nested: [String]) -> String {
        ([pattern] + nested.sorted().map { "-\($0)-*" }).joined(separator: ",")
    }

    /// Whether `name` (an index, alias or data stream) is under this prefix and not under a
    /// nested prefix of another deployment.
    func owns(_ name: String, excluding nested: [String]) -> Bool {
        name.hasPrefix(prefix + "-") && !nested.contains { name.hasPrefix($0 + "-") }
    }

    /// The group's own targets, `{stable}-v1,{stable}-v2`: what searches and deletions of its
    /// documents read, never a wildcard that a neighbour's longer prefix also matches.
    func targets(of group: GroupKey) -> String {
        "\(versionedName(for: group, version: 1)),\(versionedName(for: group, version: 2))"
    }
    /// The versioned targets of every group.
    var versionedPatterns: [String] { ["\(prefix)-*-v1", "\(prefix)-*-v2"] }

    package func stableName(for group: GroupKey) -> String { "\(prefix)-\(Self.slug(group))" }
    func versionedName(for group: GroupKey, version: Int) -> String { "\(stableName(for: group))-v\(version)" }

    /// Lower-case letters and digits, every other run of characters one `-`:
    /// `/aws/lambda/My_Fn` → `aws-lambda-my-fn`. Long names keep a hash suffix so they
    /// stay unique within Elasticsearch's 255-byte limit. A slug never ends like a
    /// versioned target (`-v1`): `/api/v1` becomes `api-v1-log`, so its stable name cannot
    /// be the `-v1` index of the group `/api`.
    static func slug(_ group: GroupKey) -> String {
        var out: [UInt8] = []
        var pendingDash = false
        for byte in group.rawValue.utf8 {
            let lowered: UInt8
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): lowered = byte
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): lowered = byte + 32
            default:
                pendingDash = true
                continue
            }
            if pendingDash && !out.isEmpty { out.append(UInt8(ascii: "-")) }
            pendingDash = false
            out.append(lowered)
        }
        var slug = out.isEmpty ? "log-group" : String(decoding: out, as: UTF8.self)
        if slug.utf8.count > 180 {
            let (high, _) = MurmurHash3.hash128(Array(group.rawValue.utf8))
            slug = String(slug.prefix(160)) + "-" + String(high, radix: 16)
        }
        if looksVersioned(slug) { slug += "-log" }
        return slug
    }

    /// Ends in `-v` and digits.
    static func looksVersioned(_ slug: String) -> Bool {
        guard let dash = slug.lastIndex(of: "-") else { return false }
        let tail = slug[slug.index(after: dash)...]
        return tail.count >= 2 && tail.first == "v" && tail.dropFirst().allSatisfy(\.isNumber)
    }
}
