import Foundation

/// One setting's resolved text (nil when unset), parsed into a typed value as its spec's
/// kind says; errors name the variable and where its value came from.
struct SettingInput {
    let name: String
    let kind: SettingKind
    let raw: RawSetting?

    init(_ spec: SettingSpec, resolved: [String: RawSetting]) {
        name = spec.name
        kind = spec.kind
        raw = resolved[spec.name]
    }

    private func invalid(_ raw: RawSetting, _ expectation: String) -> ConfigError {
        let shown = kind == .secret ? "(hidden)" : "\"\(raw.value)\""
        return ConfigError("invalid \(name) \(shown) from \(raw.source): \(expectation)")
    }

    /// The value of a setting that always has one, by kind.
    func string() throws -> String {
        switch kind {
        case .url: return try url()
        case .timeValue: return try timeValue()
        case .choice: return try choice()
        default: return text()
        }
    }

    /// The value of a setting that may be unset, by kind.
    func optionalString() throws -> String? {
        kind == .url ? try optionalURL() : optionalText()
    }

    func text() -> String { raw?.value ?? "" }

    func optionalText() -> String? {
        guard let value = raw?.value, !value.isEmpty else { return nil }
        return value
    }

    func list() -> [String] {
        guard let raw else { return [] }
        return raw.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func optionalInteger() throws -> Int? {
        guard let value = raw?.value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return try integer()
    }

    func integer() throws -> Int {
        guard let raw, case .integer(let low, let high) = kind else { throw ConfigError("\(name) has no value") }
        let expectation = "expected a whole number from \(low) to \(high)"
        guard let value = Int(raw.value.trimmingCharacters(in: .whitespaces)) else { throw invalid(raw, expectation) }
        guard value >= low && value <= high else { throw invalid(raw, expectation) }
        return value
    }

    func choice() throws -> String {
        guard let raw, case .choice(let words) = kind else { throw ConfigError("\(name) has no value") }
        let value = raw.value.trimmingCharacters(in: .whitespaces).lowercased()
        guard words.contains(value) else { throw invalid(raw, "expected one of \(words.joined(separator: ", "))") }
        return value
    }

    func boolean() throws -> Bool {
        guard let raw else { return false }
        switch raw.value.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw invalid(raw, "expected true or false")
        }
    }

    func url() throws -> String {
        guard let value = try optionalURL() else { throw ConfigError("\(name) must be set to an http:// or https:// URL") }
        return value
    }

    func optionalListenAddress() throws -> ListenAddress? {
        guard let raw, !raw.value.isEmpty else { return nil }
        switch ListenAddress.parse(raw.value) {
        case .success(let address): return address
        case .failure(let error): throw invalid(raw, error.reason)
        }
    }

    func optionalURL() throws -> String? {
        guard let raw, !raw.value.isEmpty else { return nil }
        let value = raw.value.trimmingCharacters(in: .whitespaces)
        let lower = value.lowercased()
        let host = lower.drop { $0 != ":" }.dropFirst(3)
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), let first = host.first, first != "/", first != ":" else {
            throw invalid(raw, "expected an http:// or https:// URL")
        }
        return value.hasSuffix("/") ? String(value.dropLast()) : value
    }

    func timeValue() throws -> String {
        guard let raw else { return "" }
        let value = raw.value.trimmingCharacters(in: .whitespaces)
        if value == "-1" || TimeValue.millis(value, wholeOnly: true) != nil { return value }
        throw invalid(raw, "expected an Elasticsearch time value such as 1s, 30s, 5m or -1")
    }

    /// A field name of its own: not empty of meaning, not one of the fixed document fields.
    func jsonField() throws -> String? {
        guard let raw else { return nil }
        let value = raw.value.trimmingCharacters(in: .whitespaces)
        if value.isEmpty { return nil }
        let reserved = DocumentSchema.reservedTopLevel
        let root = String(value.split(separator: ".").first ?? "")
        guard FieldName.sanitize(value) == value, !reserved.contains(root) else {
            throw invalid(raw, "expected a field name that does not start with '_' or '.' and is not one of \(reserved.sorted().joined(separator: ", "))")
        }
        return value
    }

    func indexPrefix() throws -> String {
        guard let raw else { return "cloudwatch" }
        let value = raw.value
        let allowed = value.allSatisfy { ($0.isLetter && $0.isLowercase && $0.isASCII) || ($0.isNumber && $0.isASCII) || $0 == "-" || $0 == "_" }
        guard !value.isEmpty, allowed, let first = value.first, first != "-", first != "_" else {
            throw invalid(raw, "expected lower-case letters, digits, '-' or '_', not starting with '-' or '_' (Elasticsearch index naming rules)")
        }
        if let builtIn = Self.elasticBuiltInPrefixes.first(where: { value == $0 || value.hasPrefix($0 + "-") }) {
            throw invalid(raw, "every name logstream makes under it (\(value)-<group>-v1, its state index) would match Elastic's built-in "
                          + "`\(builtIn)-*-*` template, which makes data streams only (so the state index cannot be created) and, from 9.0, "
                          + "logsdb indices that keep conflicting fields instead of refusing them; choose another prefix (the default is cloudwatch)")
        }
        return value
    }

    /// The names Elasticsearch's built-in index templates govern as `<name>-*-*` (its stack
    /// templates: logs, metrics, traces, synthetics; and profiling).
    static let elasticBuiltInPrefixes = ["logs", "metrics", "traces", "synthetics", "profiling"]
}
