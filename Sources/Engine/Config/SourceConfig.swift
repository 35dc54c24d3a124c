import TOMLKit

/// One `[[source]]` of config.toml: the log groups of one region, read with credentials
/// of their own — a profile, or a role (with an optional external id and session name)
/// assumed from the base credentials (or from the profile's):
///
///     [[source]]
///     name = "payments-prod"            # for messages; default "source N"
///     region = "eu-west-1"
///     log_groups = ["/aws/lambda/*"]
///     role_arn = "arn:aws:iam::111111111111:role/logstream-reader"
///     external_id = "central-logging"   # optional
///     kinesis_stream = "cwl-payments"   # optional: read through a subscription, not polled
///
/// The groups of AWS_REGION and LOG_GROUPS remain the default source, as before.
struct SourceConfig: Sendable, Equatable {
    var name: String
    var region: String
    var logGroups: [String]
    var profile: String?
    var roleArn: String?
    var externalId: String?
    var sessionName: String?
    /// The Kinesis data stream the groups' subscription filters fill (in the source's
    /// account and region); nil: the groups are polled.
    var kinesisStream: String?

    static let keys = ["name", "region", "log_groups", "profile", "role_arn", "external_id", "role_session_name", "kinesis_stream"]

    /// The account of `role_arn` (`arn:aws:iam::ACCOUNT:role/…`), if one is given.
    var roleAccount: String? {
        guard let roleArn else { return nil }
        let fields = roleArn.split(separator: ":", omittingEmptySubsequences: false)
        return fields.count > 4 && !fields[4].isEmpty ? String(fields[4]) : nil
    }

    /// The `[[source]]` tables of a config file.
    static func read(_ value: TOMLValueConvertible, path: String) throws -> [SourceConfig] {
        guard let tables = value.array else { throw ConfigError("config file \(path): 'source' must be written [[source]] (an array of tables)") }
        var sources: [SourceConfig] = []
        for (offset, item) in tables.enumerated() {
            guard let table = item.table else { throw ConfigError("config file \(path): each [[source]] must be a table") }
            let label = "config file \(path), [[source]] number \(offset + 1)"
            for key in table.keys where !keys.contains(key) {
                let hint = Suggestion.closest(to: key, among: keys).map { "; did you mean '\($0)'?" } ?? ""
                throw ConfigError("\(label): unknown key '\(key)'\(hint)")
            }
            func text(_ key: String) throws -> String? {
                guard let value = table[key] else { return nil }
                guard let string = value.string else { throw ConfigError("\(label): '\(key)' must be a string") }
                return string.isEmpty ? nil : string
            }
            let name = try text("name") ?? "source \(offset + 1)"
            guard let region = try text("region") else { throw ConfigError("\(label) (\(name)): 'region' is missing") }
            var groups: [String] = []
            if let list = table["log_groups"]?.array {
                for entry in list {
                    guard let group = entry.string else { throw ConfigError("\(label) (\(name)): 'log_groups' must be a list of strings") }
                    groups.append(group)
                }
            } else if let single = try text("log_groups") {
                groups = single.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            groups = groups.filter { !$0.isEmpty }
            guard !groups.isEmpty else { throw ConfigError("\(label) (\(name)): 'log_groups' is missing or empty") }
            let source = SourceConfig(name: name, region: region, logGroups: groups, profile: try text("profile"), roleArn: try text("role_arn"),
                                      externalId: try text("external_id"), sessionName: try text("role_session_name"),
                                      kinesisStream: try text("kinesis_stream"))
            if let roleArn = source.roleArn, source.roleAccount == nil {
                throw ConfigError("\(label) (\(name)): role_arn \(roleArn) is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
            }
            sources.append(source)
        }
        return sources
    }
}
