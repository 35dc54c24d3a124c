/// Every configuration variable logstream reads, each with the field of `Settings` it is
/// parsed into: adding a setting is one entry here and its field. Names and defaults follow
/// the product description; the additions (endpoints, API key, CA bundle) are what AWS and
/// Elasticsearch users expect to find.
public enum SettingsCatalog {
    public static let all: [SettingSpec] = [
        SettingSpec("LOG_GROUPS", .list, default: nil,
                    "CloudWatch log groups to copy, comma-separated; a trailing * matches a prefix", category: "Required",
                    into: \.logGroups),
        SettingSpec("AWS_REGION", .text, default: nil,
                    "AWS region of the log groups (AWS_DEFAULT_REGION is used when unset)", category: "Required",
                    into: \.region),

        SettingSpec("ES_HOST", .url, default: "http://localhost:9200", "Elasticsearch URL", category: "Elasticsearch",
                    into: \.esHost),
        SettingSpec("ES_USER", .text, default: "elastic", "Elasticsearch user for basic authentication (empty: none)", category: "Elasticsearch",
                    into: \.esUser),
        SettingSpec("ES_PASS", .secret, default: "changeme", "Elasticsearch password", category: "Elasticsearch",
                    into: \.esPass),
        SettingSpec("ES_API_KEY", .secret, default: nil, "Elasticsearch API key (base64 id:key); used instead of user and password", category: "Elasticsearch",
                    into: \.esAPIKey),
        SettingSpec("ES_CA_BUNDLE", .path, default: nil, "PEM file of CA certificates to trust for Elasticsearch TLS", category: "Elasticsearch",
                    into: \.esCABundle),
        SettingSpec("ES_TLS_VERIFY", .boolean, default: "true", "Verify Elasticsearch TLS certificates and host names", category: "Elasticsearch",
                    into: \.esTLSVerify),
        SettingSpec("ES_GZIP", .boolean, default: "true", "gzip bulk request bodies with ISA-L (about a seventh of the bytes for about a fifth more CPU; turn off when Elasticsearch is on the same host)", category: "Elasticsearch",
                    into: \.esGzip),
        SettingSpec("INDEX_PREFIX", .text, default: "cloudwatch", "Prefix of every index, alias and template logstream creates", category: "Elasticsearch") { $1.indexPrefix = try $0.indexPrefix() },
        SettingSpec("ES_TEMPLATE_PRIORITY", .integer(min: 0, max: 2_147_483_647), default: nil, "Priority of the index template (unset: 200 plus the length of INDEX_PREFIX); must be above any other template matching INDEX_PREFIX-*-v1", category: "Elasticsearch",
                    into: \.esTemplatePriority),

        SettingSpec("BATCH_SIZE", .integer(min: 1, max: 100_000), default: "100", "Events per bulk request (starting point)", category: "Performance",
                    into: \.batchSize),
        SettingSpec("MAX_IN_FLIGHT", .integer(min: 1, max: 256), default: "2", "Concurrent bulk requests (starting point)", category: "Performance",
                    into: \.maxInFlight),
        SettingSpec("POLL_INTERVAL_SECS", .integer(min: 1, max: 86_400), default: "15", "Seconds between tail polls", category: "Performance",
                    into: \.pollIntervalSecs),
        SettingSpec("HTTP_TIMEOUT_SECS", .integer(min: 1, max: 3_600), default: "30", "Timeout of one HTTP request, in seconds", category: "Performance",
                    into: \.httpTimeoutSecs),
        SettingSpec("BACKOFF_BASE_MS", .integer(min: 1, max: 3_600_000), default: "200", "First retry delay, in milliseconds", category: "Performance",
                    into: \.backoffBaseMs),
        SettingSpec("BACKOFF_MAX_MS", .integer(min: 1, max: 3_600_000), default: "10000", "Longest retry delay, in milliseconds", category: "Performance",
                    into: \.backoffMaxMs),

        SettingSpec("BULK_LINGER_MS", .integer(min: 0, max: 60_000), default: "200", "The tail's small writes (many quiet groups) wait at most this long to share a bulk request (0: never wait)", category: "Performance",
                    into: \.bulkLingerMs),
        SettingSpec("ADAPTIVE_MAX_BATCH_SIZE", .integer(min: 1, max: 100_000), default: "5000", "Largest batch the adaptive controller grows to", category: "Performance",
                    into: \.adaptiveMaxBatchSize),
        SettingSpec("ADAPTIVE_MAX_IN_FLIGHT", .integer(min: 1, max: 256), default: "8", "Most concurrent bulk requests the adaptive controller grows to", category: "Performance",
                    into: \.adaptiveMaxInFlight),
        SettingSpec("MEMORY_SOFT_LIMIT_MB", .integer(min: 0, max: 1_048_576), default: "512", "Above 80% of this resident memory batches stop growing, above it they shrink (0: no limit)", category: "Performance",
                    into: \.memorySoftLimitMB),
        SettingSpec("CLOUDWATCH_MAX_RPS", .integer(min: 1, max: 1_000), default: nil, "CloudWatch Logs requests per second for each account and region (unset: the region's FilterLogEvents quota, 25 in us-east-1, 5 in eu-central-1, 10 elsewhere); halved on throttling, the tail served first with a quarter kept for history and verification", category: "Performance",
                    into: \.cloudWatchMaxRPS),
        SettingSpec("GROUP_DISCOVERY_INTERVAL_SECS", .integer(min: 1, max: 86_400), default: "60", "How often tail --follow looks for new groups matching LOG_GROUPS patterns", category: "Performance",
                    into: \.groupDiscoveryIntervalSecs),
        SettingSpec("TAIL_MIN_OVERLAP_SECS", .integer(min: 0, max: 86_400), default: "60", "The tail re-reads at least this far behind the newest event, for late arrivals (every (window + 30 s) / 2; the passes between read just behind the newest event)", category: "Performance",
                    into: \.tailMinOverlapSecs),
        SettingSpec("TAIL_MAX_OVERLAP_SECS", .integer(min: 1, max: 1_209_600), default: "900", "Longest re-read window; the window grows with the ingestion lag measured, up to this (a few streams much later than the rest are re-read on their own)", category: "Performance",
                    into: \.tailMaxOverlapSecs),

        SettingSpec("RECONCILE_INTERVAL_SECS", .integer(min: 1, max: 604_800), default: "900", "Seconds between reconciliation passes", category: "Reconciliation and backfill",
                    into: \.reconcileIntervalSecs),
        SettingSpec("RECONCILE_COUNTS", .choice(["events", "insights"]), default: "events",
                    "How reconcile learns CloudWatch's side: events (read every event: exact counts and id checksums) or insights (one Logs Insights count query per day, cheaper for wide ranges but counts only; falls back to events where Insights gives no counts)",
                    category: "Reconciliation and backfill") { $1.reconcileCounts = CountSource(rawValue: try $0.choice()) ?? .events },
        SettingSpec("BACKFILL_DAYS", .integer(min: 0, max: 36_500), default: "30", "Days of history to copy when no range is given", category: "Reconciliation and backfill",
                    into: \.backfillDays),
        SettingSpec("CHECKPOINT_PATH", .path, default: "/state/checkpoints.json", "Checkpoint file", category: "Reconciliation and backfill") { input, settings in
            settings.checkpointPath = input.text()
            if settings.checkpointPath.isEmpty { throw ConfigError("CHECKPOINT_PATH must not be empty") }
        },

        SettingSpec("KINESIS_STREAM", .text, default: nil, "Read the default source's groups from this Kinesis data stream, which their CloudWatch Logs subscription filters fill (logstream subscribe), instead of polling them; verification still compares them with CloudWatch", category: "Kinesis",
                    into: \.kinesisStream),
        SettingSpec("KINESIS_START", .choice(["trim_horizon", "latest"]), default: "trim_horizon", "Where the shards of a stream read for the first time start: trim_horizon (everything the stream still keeps) or latest (only what arrives from now on); shards a later split or merge makes are always read from their start", category: "Kinesis") { $1.kinesisFromLatest = try $0.choice() == "latest" },

        SettingSpec("COORDINATION", .choice(["file", "elasticsearch"]), default: "file", "file: this process works on every group; elasticsearch: several tail --follow processes share the groups through leases in Elasticsearch", category: "Scale-out") { $1.coordinated = try $0.choice() == "elasticsearch" },
        SettingSpec("INSTANCE_ID", .text, default: "", "Name of this instance among those sharing the groups (empty: host name and process id)", category: "Scale-out") { $1.instanceID = $0.optionalText() ?? Settings.defaultInstanceID() },
        SettingSpec("LEASE_SECS", .integer(min: 3, max: 3_600), default: "60", "A group whose owner has not renewed its lease for this long is taken over by another instance", category: "Scale-out",
                    into: \.leaseSecs),

        SettingSpec("METRICS_FILE", .path, default: nil, "tail --follow writes Prometheus metrics here every 10 seconds (for node_exporter's textfile collector)", category: "Observability",
                    into: \.metricsFile),
        SettingSpec("METRICS_ADDR", .address, default: nil, "tail --follow serves /metrics, /healthz and /readyz over HTTP on this address (HOST:PORT, such as 0.0.0.0:9464; port 0: any free port, named in the log)", category: "Observability") {
            $1.metricsAddress = try $0.optionalListenAddress()
        },

        SettingSpec("ES_HOT_REFRESH_INTERVAL", .timeValue, default: "1s", "refresh_interval of hot backing indices", category: "Refresh policy",
                    into: \.esHotRefreshInterval),
        SettingSpec("ES_COLD_REFRESH_INTERVAL", .timeValue, default: "30s", "refresh_interval of cold backing indices", category: "Refresh policy",
                    into: \.esColdRefreshInterval),
        SettingSpec("ES_COLD_AGE_DAYS", .integer(min: 0, max: 36_500), default: "7", "An index is cold when its newest @timestamp is older than this many days", category: "Refresh policy",
                    into: \.esColdAgeDays),
        SettingSpec("ES_REFRESH_TUNE_INTERVAL_SECS", .integer(min: 1, max: 604_800), default: "3600", "Seconds between refresh-interval re-evaluations", category: "Refresh policy",
                    into: \.esRefreshTuneIntervalSecs),

        SettingSpec("JSON_FIELD", .text, default: "json", "Field that receives the parsed JSON object of a message (empty: do not parse)", category: "Documents") { $1.documents.jsonField = try $0.jsonField() },
        SettingSpec("JSON_MAX_DEPTH", .integer(min: 1, max: 20), default: "6", "Object nesting kept under JSON_FIELD; deeper objects are stored as JSON text", category: "Documents",
                    into: \.documents.maxDepth),
        SettingSpec("JSON_MAX_FIELDS", .integer(min: 1, max: 10_000), default: "500", "Fields kept from one message's JSON; the rest stay in message only", category: "Documents",
                    into: \.documents.maxFields),
        SettingSpec("MAX_MESSAGE_BYTES", .integer(min: 1024, max: 104_857_600), default: "1048576", "Longer messages are cut at this size and flagged with logstream.truncated", category: "Documents",
                    into: \.documents.maxMessageBytes),

        SettingSpec("AWS_ENDPOINT_URL", .url, default: nil, "Endpoint for every AWS service (for example a local emulator)", category: "AWS",
                    into: \.awsEndpointURL),
        SettingSpec("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", .url, default: nil, "Endpoint for CloudWatch Logs only; wins over AWS_ENDPOINT_URL", category: "AWS",
                    into: \.cloudWatchLogsEndpointURL),
        SettingSpec("AWS_ENDPOINT_URL_KINESIS", .url, default: nil, "Endpoint for Kinesis Data Streams only; wins over AWS_ENDPOINT_URL", category: "AWS",
                    into: \.kinesisEndpointURL),
    ]

    public static func spec(named name: String) -> SettingSpec? {
        all.first { $0.name == name }
    }
}
