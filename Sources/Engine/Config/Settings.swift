import Foundation

/// The validated configuration every command works from.
public struct Settings: Sendable {
    public var logGroups: [String]
    public var region: String?
    public var esHost: String
    public var esUser: String
    public var esPass: String
    public var esAPIKey: String?
    public var esCABundle: String?
    public var esTLSVerify: Bool
    public var esGzip: Bool
    public var indexPrefix: String
    /// The `[[source]]`s of the config file, beside the default source (AWS_REGION, LOG_GROUPS).
    public var sources: [SourceConfig] = []
    /// nil: `IndexTemplate.defaultPriority`.
    public var esTemplatePriority: Int?
    public var batchSize: Int
    public var maxInFlight: Int
    public var pollIntervalSecs: Int
    public var httpTimeoutSecs: Int
    public var backoffBaseMs: Int
    public var backoffMaxMs: Int
    public var cloudWatchMaxRPS: Int
    public var bulkLingerMs: Int
    public var adaptiveMaxBatchSize: Int
    public var adaptiveMaxInFlight: Int
    public var memorySoftLimitMB: Int
    public var groupDiscoveryIntervalSecs: Int
    public var tailMinOverlapSecs: Int
    public var tailMaxOverlapSecs: Int
    public var reconcileIntervalSecs: Int
    public var reconcileCounts: CountSource
    public var backfillDays: Int
    public var checkpointPath: String
    public var esHotRefreshInterval: String
    public var esColdRefreshInterval: String
    public var esColdAgeDays: Int
    public var esRefreshTuneIntervalSecs: Int
    public var documents: DocumentOptions
    public var awsEndpointURL: String?
    public var metricsFile: String?
    public var coordinated: Bool
    public var instanceID: String
    public var leaseSecs: Int
    public var cloudWatchLogsEndpointURL: String?

    public init(resolved: [String: RawSetting]) throws {
        let reader = SettingReader(resolved: resolved)
        logGroups = try reader.list("LOG_GROUPS")
        region = try reader.optionalText("AWS_REGION")
        esHost = try reader.url("ES_HOST")
        esUser = try reader.text("ES_USER")
        esPass = try reader.text("ES_PASS")
        esAPIKey = try reader.optionalText("ES_API_KEY")
        esCABundle = try reader.optionalText("ES_CA_BUNDLE")
        esTLSVerify = try reader.boolean("ES_TLS_VERIFY")
        esGzip = try reader.boolean("ES_GZIP")
        indexPrefix = try reader.indexPrefix("INDEX_PREFIX")
        esTemplatePriority = try reader.optionalInteger("ES_TEMPLATE_PRIORITY")
        batchSize = try reader.integer("BATCH_SIZE")
        maxInFlight = try reader.integer("MAX_IN_FLIGHT")
        pollIntervalSecs = try reader.integer("POLL_INTERVAL_SECS")
        httpTimeoutSecs = try reader.integer("HTTP_TIMEOUT_SECS")
        backoffBaseMs = try reader.integer("BACKOFF_BASE_MS")
        backoffMaxMs = try reader.integer("BACKOFF_MAX_MS")
        cloudWatchMaxRPS = try reader.integer("CLOUDWATCH_MAX_RPS")
        bulkLingerMs = try reader.integer("BULK_LINGER_MS")
        adaptiveMaxBatchSize = try reader.integer("ADAPTIVE_MAX_BATCH_SIZE")
        adaptiveMaxInFlight = try reader.integer("ADAPTIVE_MAX_IN_FLIGHT")
        memorySoftLimitMB = try reader.integer("MEMORY_SOFT_LIMIT_MB")
        groupDiscoveryIntervalSecs = try reader.integer("GROUP_DISCOVERY_INTERVAL_SECS")
        tailMinOverlapSecs = try reader.integer("TAIL_MIN_OVERLAP_SECS")
        tailMaxOverlapSecs = try reader.integer("TAIL_MAX_OVERLAP_SECS")
        reconcileIntervalSecs = try reader.integer("RECONCILE_INTERVAL_SECS")
        reconcileCounts = CountSource(rawValue: try reader.choice("RECONCILE_COUNTS")) ?? .events
        backfillDays = try reader.integer("BACKFILL_DAYS")
        checkpointPath = try reader.text("CHECKPOINT_PATH")
        esHotRefreshInterval = try reader.timeValue("ES_HOT_REFRESH_INTERVAL")
        esColdRefreshInterval = try reader.timeValue("ES_COLD_REFRESH_INTERVAL")
        esColdAgeDays = try reader.integer("ES_COLD_AGE_DAYS")
        esRefreshTuneIntervalSecs = try reader.integer("ES_REFRESH_TUNE_INTERVAL_SECS")
        documents = DocumentOptions(
            jsonField: try reader.jsonField("JSON_FIELD"), maxDepth: try reader.integer("JSON_MAX_DEPTH"),
            maxFields: try reader.integer("JSON_MAX_FIELDS"), maxMessageBytes: try reader.integer("MAX_MESSAGE_BYTES"))
        awsEndpointURL = try reader.optionalURL("AWS_ENDPOINT_URL")
        metricsFile = try reader.optionalText("METRICS_FILE")
        coordinated = try reader.choice("COORDINATION") == "elasticsearch"
        instanceID = try reader.optionalText("INSTANCE_ID") ?? Settings.defaultInstanceID()
        leaseSecs = try reader.integer("LEASE_SECS")
        cloudWatchLogsEndpointURL = try reader.optionalURL("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS")

        if backoffBaseMs > backoffMaxMs {
            throw ConfigError("BACKOFF_BASE_MS (\(backoffBaseMs)) must not exceed BACKOFF_MAX_MS (\(backoffMaxMs))")
        }
        if checkpointPath.isEmpty {
            throw ConfigError("CHECKPOINT_PATH must not be empty")
        }
    }

    /// Commands that read CloudWatch need groups and a region; say exactly what is missing.
    public func requireCloudWatch() throws -> (groups: [String], region: String) {
        if logGroups.isEmpty, let first = sources.first {
            // Only [[source]]s: the default source has no groups; its region is for STS.
            return ([], (region?.isEmpty == false ? region : nil) ?? first.region)
        }
        guard !logGroups.isEmpty else {
            throw ConfigError("LOG_GROUPS is not set: name the CloudWatch log groups to copy, e.g. LOG_GROUPS=/aws/lambda/api,/ecs/web (or --groups)")
        }
        guard let region, !region.isEmpty else {
            throw ConfigError("AWS_REGION is not set: set it to the region of your log groups, e.g. AWS_REGION=us-east-1 (or --region)")
        }
        return (logGroups, region)
    }

    /// `host-pid`: unique among instances on one network.
    static func defaultInstanceID() -> String {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        let host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(host.isEmpty ? "logstream" : host)-\(getpid())"
    }

    /// The CloudWatch Logs endpoint: the service-specific override, the general one, or AWS.
    public func cloudWatchEndpoint(region: String) -> String {
        cloudWatchLogsEndpointURL ?? awsEndpointURL ?? "https://logs.\(region).\(Self.dnsSuffix(region: region))"
    }

    /// The DNS suffix of the AWS partition a region belongs to (as in the SDKs' partition
    /// table): China, the isolated ISO partitions, and the commercial and GovCloud ones.
    static func dnsSuffix(region: String) -> String {
        if region.hasPrefix("cn-") { return "amazonaws.com.cn" }
        if region.hasPrefix("us-isob-") { return "sc2s.sgov.gov" }
        if region.hasPrefix("us-iso-") { return "c2s.ic.gov" }
        return "amazonaws.com"
    }
}

/// Parses raw setting text into typed values, naming the variable and its source on error.
struct SettingReader {
    let resolved: [String: RawSetting]

    private func raw(_ name: String) -> RawSetting? { resolved[name] }

    private func invalid(_ name: String, _ raw: RawSetting, _ expectation: String) -> ConfigError {
        let shown = SettingsCatalog.spec(named: name)?.kind == .secret ? "(hidden)" : "\"\(raw.value)\""
        return ConfigError("invalid \(name) \(shown) from \(raw.source): \(expectation)")
    }

    func text(_ name: String) throws -> String { raw(name)?.value ?? "" }

    func optionalText(_ name: String) throws -> String? {
        guard let value = raw(name)?.value, !value.isEmpty else { return nil }
        return value
    }

    func list(_ name: String) throws -> [String] {
        guard let raw = raw(name) else { return [] }
        let items = raw.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return items
    }

    func optionalInteger(_ name: String) throws -> Int? {
        guard let value = raw(name)?.value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return try integer(name)
    }

    func integer(_ name: String) throws -> Int {
        guard let raw = raw(name), case .integer(let low, let high)? = SettingsCatalog.spec(named: name)?.kind else {
            throw ConfigError("\(name) has no value")
        }
        let expectation = "expected a whole number from \(low) to \(high)"
        guard let value = Int(raw.value.trimmingCharacters(in: .whitespaces)) else { throw invalid(name, raw, expectation) }
        guard value >= low && value <= high else { throw invalid(name, raw, expectation) }
        return value
    }

    func choice(_ name: String) throws -> String {
        guard let raw = raw(name), case .choice(let words)? = SettingsCatalog.spec(named: name)?.kind else {
            throw ConfigError("\(name) has no value")
        }
        let value = raw.value.trimmingCharacters(in: .whitespaces).lowercased()
        guard words.contains(value) else { throw invalid(name, raw, "expected one of \(words.joined(separator: ", "))") }
        return value
    }

    func boolean(_ name: String) throws -> Bool {
        guard let raw = raw(name) else { return false }
        switch raw.value.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw invalid(name, raw, "expected true or false")
        }
    }

    func url(_ name: String) throws -> String {
        guard let value = try optionalURL(name) else { throw ConfigError("\(name) must be set to an http:// or https:// URL") }
        return value
    }

    func optionalURL(_ name: String) throws -> String? {
        guard let raw = raw(name), !raw.value.isEmpty else { return nil }
        let value = raw.value.trimmingCharacters(in: .whitespaces)
        let lower = value.lowercased()
        let host = lower.drop { $0 != ":" }.dropFirst(3)
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), let first = host.first, first != "/", first != ":" else {
            throw invalid(name, raw, "expected an http:// or https:// URL")
        }
        return value.hasSuffix("/") ? String(value.dropLast()) : value
    }

    func timeValue(_ name: String) throws -> String {
        guard let raw = raw(name) else { return "" }
        let value = raw.value.trimmingCharacters(in: .whitespaces)
        if value == "-1" || TimeValue.millis(value, wholeOnly: true) != nil { return value }
        throw invalid(name, raw, "expected an Elasticsearch time value such as 1s, 30s, 5m or -1")
    }

    /// A field name of its own: not empty of meaning, not one of the fixed document fields.
    func jsonField(_ name: String) throws -> String? {
        guard let raw = raw(name) else { return nil }
        let value = raw.value.trimmingCharacters(in: .whitespaces)
        if value.isEmpty { return nil }
        let reserved = DocumentSchema.reservedTopLevel
        let root = String(value.split(separator: ".").first ?? "")
        guard FieldName.sanitize(value) == value, !reserved.contains(root) else {
            throw invalid(name, raw, "expected a field name that does not start with '_' or '.' and is not one of \(reserved.sorted().joined(separator: ", "))")
        }
        return value
    }

    func indexPrefix(_ name: String) throws -> String {
        guard let raw = raw(name) else { return "cloudwatch" }
        let value = raw.value
        let allowed = value.allSatisfy { ($0.isLetter && $0.isLowercase && $0.isASCII) || ($0.isNumber && $0.isASCII) || $0 == "-" || $0 == "_" }
        guard !value.isEmpty, allowed, let first = value.first, first != "-", first != "_" else {
            throw invalid(name, raw, "expected lower-case letters, digits, '-' or '_', not starting with '-' or '_' (Elasticsearch index naming rules)")
        }
        return value
    }
}
