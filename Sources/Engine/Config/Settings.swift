import Foundation

/// The validated configuration every command works from.
public struct Settings: Sendable {
    public var logGroups: [String] = []
    public var region: String?
    public var esHost: String = ""
    public var esUser: String = ""
    public var esPass: String = ""
    public var esAPIKey: String?
    public var esCABundle: String?
    public var esTLSVerify: Bool = false
    public var esGzip: Bool = false
    public var indexPrefix: String = ""
    /// The `[[source]]`s of the config file, beside the default source (AWS_REGION, LOG_GROUPS).
    public var sources: [SourceConfig] = []
    /// nil: `IndexTemplate.defaultPriority`.
    public var esTemplatePriority: Int?
    public var batchSize: Int = 0
    public var maxInFlight: Int = 0
    public var pollIntervalSecs: Int = 0
    public var httpTimeoutSecs: Int = 0
    public var backoffBaseMs: Int = 0
    public var backoffMaxMs: Int = 0
    public var cloudWatchMaxRPS: Int = 0
    public var bulkLingerMs: Int = 0
    public var adaptiveMaxBatchSize: Int = 0
    public var adaptiveMaxInFlight: Int = 0
    public var memorySoftLimitMB: Int = 0
    public var groupDiscoveryIntervalSecs: Int = 0
    public var tailMinOverlapSecs: Int = 0
    public var tailMaxOverlapSecs: Int = 0
    public var reconcileIntervalSecs: Int = 0
    public var reconcileCounts: CountSource = .events
    public var backfillDays: Int = 0
    public var checkpointPath: String = ""
    public var esHotRefreshInterval: String = ""
    public var esColdRefreshInterval: String = ""
    public var esColdAgeDays: Int = 0
    public var esRefreshTuneIntervalSecs: Int = 0
    public var documents: DocumentOptions = DocumentOptions()
    public var awsEndpointURL: String?
    public var metricsFile: String?
    public var coordinated: Bool = false
    public var instanceID: String = ""
    public var leaseSecs: Int = 0
    public var cloudWatchLogsEndpointURL: String?

    /// Every field but `sources` is written by its setting's spec (`SettingsCatalog`); the
    /// initial values above are never seen (a test checks each field has a writer).
    public init(resolved: [String: RawSetting]) throws {
        for spec in SettingsCatalog.all {
            try spec.apply(SettingInput(spec, resolved: resolved), &self)
        }
        if backoffBaseMs > backoffMaxMs {
            throw ConfigError("BACKOFF_BASE_MS (\(backoffBaseMs)) must not exceed BACKOFF_MAX_MS (\(backoffMaxMs))")
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
