import Foundation

/// The validated configuration every command works from.
public struct Settings: Sendable {
    public var logGroups: [String] = []
    public var region: String?
    public var esHost: String = ""
    var esUser: String = ""
    var esPass: String = ""
    var esAPIKey: String?
    var esCABundle: String?
    var esTLSVerify: Bool = false
    var esGzip: Bool = false
    public var indexPrefix: String = ""
    /// The `[[source]]`s of the config file, beside the default source (AWS_REGION, LOG_GROUPS).
    var sources: [SourceConfig] = []
    /// nil: `IndexTemplate.defaultPriority`.
    var esTemplatePriority: Int?
    var batchSize: Int = 0
    var maxInFlight: Int = 0
    var pollIntervalSecs: Int = 0
    var httpTimeoutSecs: Int = 0
    var backoffBaseMs: Int = 0
    var backoffMaxMs: Int = 0
    /// nil: the region's FilterLogEvents quota (`CloudWatchQuota`).
    var cloudWatchMaxRPS: Int?
    var bulkLingerMs: Int = 0
    var adaptiveMaxBatchSize: Int = 0
    var adaptiveMaxInFlight: Int = 0
    var memorySoftLimitMB: Int = 0
    var groupDiscoveryIntervalSecs: Int = 0
    var tailMinOverlapSecs: Int = 0
    var tailMaxOverlapSecs: Int = 0
    var reconcileIntervalSecs: Int = 0
    public var reconcileCounts: CountSource = .events
    public var backfillDays: Int = 0
    public var checkpointPath: String = ""
    var esHotRefreshInterval: String = ""
    var esColdRefreshInterval: String = ""
    var esColdAgeDays: Int = 0
    var esRefreshTuneIntervalSecs: Int = 0
    var documents: DocumentOptions = DocumentOptions()
    var awsEndpointURL: String?
    var metricsFile: String?
    /// METRICS_ADDR: where `StatusServer` listens; nil: no listener.
    var metricsAddress: ListenAddress?
    public var coordinated: Bool = false
    var instanceID: String = ""
    var leaseSecs: Int = 0
    var cloudWatchLogsEndpointURL: String?
    /// The default source's subscription stream (KINESIS_STREAM); nil: its groups are polled.
    var kinesisStream: String?
    /// KINESIS_START=latest: a shard without a checkpoint is read from what arrives next.
    var kinesisFromLatest = false
    var kinesisEndpointURL: String?

    /// Every field but `sources` is written by its setting's spec (`SettingsCatalog`); the
    /// initial values above are never seen (a test checks each field has a writer).
    init(resolved: [String: RawSetting]) throws {
        for spec in SettingsCatalog.all {
            try spec.apply(SettingInput(spec, resolved: resolved), &self)
        }
        if backoffBaseMs > backoffMaxMs {
            throw ConfigError("BACKOFF_BASE_MS (\(backoffBaseMs)) must not exceed BACKOFF_MAX_MS (\(backoffMaxMs))")
        }
    }

    /// Commands that read CloudWatch need groups and a region; say exactly what is missing.
    func requireCloudWatch() throws -> (groups: [String], region: String) {
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
    func cloudWatchEndpoint(region: String) -> String {
        cloudWatchLogsEndpointURL ?? awsEndpointURL ?? "https://logs.\(region).\(Self.dnsSuffix(region: region))"
    }

    /// The Kinesis Data Streams endpoint: the service-specific override, the general one, or AWS.
    func kinesisEndpoint(region: String) -> String {
        kinesisEndpointURL ?? awsEndpointURL ?? "https://kinesis.\(region).\(Self.dnsSuffix(region: region))"
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
