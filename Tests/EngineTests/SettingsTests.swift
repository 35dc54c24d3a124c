import Foundation
import Testing
@testable import Engine

@Suite struct SettingsTests {
    @Test func defaultsFollowTheProductDescription() throws {
        let settings = try SettingsLoader(environment: [:]).load()
        #expect(settings.esHost == "http://localhost:9200")
        #expect(settings.esUser == "elastic" && settings.esPass == "changeme")
        #expect(settings.indexPrefix == "cloudwatch")
        #expect(settings.batchSize == 100 && settings.maxInFlight == 2)
        #expect(settings.pollIntervalSecs == 15 && settings.httpTimeoutSecs == 30)
        #expect(settings.backoffBaseMs == 200 && settings.backoffMaxMs == 10_000)
        #expect(settings.reconcileIntervalSecs == 900 && settings.backfillDays == 30)
        #expect(settings.checkpointPath == "/state/checkpoints.json")
        #expect(settings.esHotRefreshInterval == "1s" && settings.esColdRefreshInterval == "30s")
        #expect(settings.esColdAgeDays == 7 && settings.esRefreshTuneIntervalSecs == 3600)
        #expect(settings.esTLSVerify)
    }

    @Test func flagsBeatEnvironmentWhichBeatsTheFile() throws {
        let path = try temporaryConfig("""
            batch_size = 10
            max_in_flight = 3
            index_prefix = "fromfile"
            log_groups = ["/a", "/b"]
            """)
        let environment = ["BATCH_SIZE": "20", "INDEX_PREFIX": "fromenv"]
        let flags = ["BATCH_SIZE": RawSetting(value: "30", source: .flag("--batch-size"))]
        let settings = try SettingsLoader(environment: environment, flags: flags, configPath: path).load()
        #expect(settings.batchSize == 30)
        #expect(settings.indexPrefix == "fromenv")
        #expect(settings.maxInFlight == 3)
        #expect(settings.logGroups == ["/a", "/b"])
    }

    @Test func configFileAcceptsEnvironmentStyleKeysAndIsFoundThroughLOGSTREAM_CONFIG() throws {
        let path = try temporaryConfig("BACKFILL_DAYS = 90\nES_TLS_VERIFY = false\n")
        let settings = try SettingsLoader(environment: ["LOGSTREAM_CONFIG": path]).load()
        #expect(settings.backfillDays == 90)
        #expect(!settings.esTLSVerify)
    }

    @Test(arguments: [
        ("BATCH_SIZE", "abc"), ("BATCH_SIZE", "0"), ("MAX_IN_FLIGHT", "-2"), ("HTTP_TIMEOUT_SECS", "1.5"),
        ("ES_HOST", "localhost:9200"), ("ES_TLS_VERIFY", "maybe"), ("INDEX_PREFIX", "Upper"), ("INDEX_PREFIX", "_x"),
        ("ES_HOT_REFRESH_INTERVAL", "fast"), ("JSON_FIELD", "message"), ("JSON_FIELD", "_x"), ("MAX_MESSAGE_BYTES", "10"), ("RECONCILE_INTERVAL_SECS", "0"), ("AWS_ENDPOINT_URL", "ftp://x"),
    ])
    func invalidValuesNameTheVariable(name: String, value: String) {
        do {
            _ = try SettingsLoader(environment: [name: value]).load()
            Issue.record("\(name)=\(value) was accepted")
        } catch let error as ConfigError {
            #expect(error.message.contains(name))
            #expect(error.message.contains("environment"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// Names under Elastic's built-in `logs-*-*` (and metrics, traces, synthetics, profiling)
    /// templates would be data streams only — the state index cannot be created — and logsdb
    /// on 9.x, which stops refusing mapping conflicts: such a prefix is refused with the reason.
    @Test(arguments: ["logs", "logs-aws", "metrics", "traces-x", "synthetics", "profiling"])
    func prefixesUnderElasticsBuiltInTemplatesAreRefused(prefix: String) {
        do {
            _ = try SettingsLoader(environment: ["INDEX_PREFIX": prefix]).load()
            Issue.record("INDEX_PREFIX=\(prefix) was accepted")
        } catch let error as ConfigError {
            #expect(error.message.contains("INDEX_PREFIX") && error.message.contains("built-in") && error.message.contains("choose another prefix"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: ["logstream", "logsaws", "cloudwatch-logs", "metricsx"])
    func prefixesOutsideTheBuiltInTemplatesAreKept(prefix: String) throws {
        #expect(try SettingsLoader(environment: ["INDEX_PREFIX": prefix]).load().indexPrefix == prefix)
    }

    @Test func secretsAreNotEchoedInErrors() {
        // ES_PASS is free text, so it cannot be invalid; the catalog marks it secret for display.
        #expect(SettingsCatalog.spec(named: "ES_PASS")?.kind == .secret)
        #expect(SettingsCatalog.spec(named: "ES_API_KEY")?.kind == .secret)
    }

    @Test func backoffBaseMustNotExceedMaximum() {
        #expect(throws: ConfigError.self) {
            try SettingsLoader(environment: ["BACKOFF_BASE_MS": "5000", "BACKOFF_MAX_MS": "100"]).load()
        }
    }

    @Test func unknownFileKeysAreReportedWithASuggestion() throws {
        let path = try temporaryConfig("bach_size = 10\n")
        do {
            _ = try SettingsLoader(environment: [:], configPath: path).load()
            Issue.record("unknown key accepted")
        } catch let error as ConfigError {
            #expect(error.message.contains("bach_size") && error.message.contains("batch_size"))
        }
    }

    @Test func malformedTOMLIsReportedWithItsLocation() throws {
        let path = try temporaryConfig("batch_size = = 3\n")
        do {
            _ = try SettingsLoader(environment: [:], configPath: path).load()
            Issue.record("malformed TOML accepted")
        } catch let error as ConfigError {
            #expect(error.message.contains(path) && error.message.contains("line 1"))
        }
    }

    @Test func missingConfigFileIsAnError() {
        #expect(throws: ConfigError.self) {
            try SettingsLoader(environment: [:], configPath: "/nonexistent/logstream.toml").load()
        }
    }

    @Test func regionFallsBackToAWS_DEFAULT_REGIONAndGroupsAreTrimmed() throws {
        let settings = try SettingsLoader(environment: ["AWS_DEFAULT_REGION": "ap-south-1", "LOG_GROUPS": " /a , /b ,, "]).load()
        #expect(settings.region == "ap-south-1")
        #expect(settings.logGroups == ["/a", "/b"])
        #expect(try settings.requireCloudWatch().region == "ap-south-1")
    }

    @Test func cloudWatchCommandsExplainMissingGroupsAndRegion() throws {
        let noGroups = try SettingsLoader(environment: ["AWS_REGION": "us-east-1"]).load()
        #expect(throws: ConfigError.self) { try noGroups.requireCloudWatch() }
        let noRegion = try SettingsLoader(environment: ["LOG_GROUPS": "/a"]).load()
        #expect(throws: ConfigError.self) { try noRegion.requireCloudWatch() }
    }

    @Test func endpointOverridesFollowAWSPrecedence() throws {
        let general = try SettingsLoader(environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:4566/"]).load()
        #expect(general.cloudWatchEndpoint(region: "us-east-1") == "http://127.0.0.1:4566")
        let specific = try SettingsLoader(environment: ["AWS_ENDPOINT_URL": "http://a", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": "http://b:1"]).load()
        #expect(specific.cloudWatchEndpoint(region: "us-east-1") == "http://b:1")
        let aws = try SettingsLoader(environment: [:]).load()
        #expect(aws.cloudWatchEndpoint(region: "eu-west-1") == "https://logs.eu-west-1.amazonaws.com")
    }

    /// Regions outside the commercial partition have their own DNS suffix; a China region
    /// sent to `.amazonaws.com` is never answered.
    @Test(arguments: [
        ("cn-north-1", "https://logs.cn-north-1.amazonaws.com.cn"),
        ("cn-northwest-1", "https://logs.cn-northwest-1.amazonaws.com.cn"),
        ("us-gov-west-1", "https://logs.us-gov-west-1.amazonaws.com"),
        ("us-iso-east-1", "https://logs.us-iso-east-1.c2s.ic.gov"),
        ("us-isob-east-1", "https://logs.us-isob-east-1.sc2s.sgov.gov"),
    ])
    func eachPartitionHasItsOwnEndpointSuffix(region: String, endpoint: String) throws {
        let settings = try SettingsLoader(environment: [:]).load()
        #expect(settings.cloudWatchEndpoint(region: region) == endpoint)
    }
}
