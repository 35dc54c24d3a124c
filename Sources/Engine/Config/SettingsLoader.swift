import Foundation

/// A setting's raw text and where it came from.
public struct RawSetting: Sendable, Equatable {
    var value: String
    var source: SettingSource

    public init(value: String, source: SettingSource) {
        self.value = value
        self.source = source
    }
}

/// Merges the configuration layers: built-in defaults, then the config file, then the
/// environment, then command-line flags — each later layer wins.
public struct SettingsLoader: Sendable {
    var environment: [String: String]
    var flags: [String: RawSetting]
    var configPath: String?

    public init(environment: [String: String], flags: [String: RawSetting] = [:], configPath: String? = nil) {
        self.environment = environment
        self.flags = flags
        self.configPath = configPath
    }

    /// The file to read: `--config`, else `LOGSTREAM_CONFIG`, else the per-user default if it exists.
    func configFilePath() -> String? {
        if let configPath { return configPath }
        if let fromEnv = environment["LOGSTREAM_CONFIG"], !fromEnv.isEmpty { return fromEnv }
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { "\($0)/.config" }
        if let base {
            let candidate = "\(base)/logstream/config.toml"
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return nil
    }

    func resolve() throws -> [String: RawSetting] {
        var merged: [String: RawSetting] = [:]
        for spec in SettingsCatalog.all {
            if let value = spec.defaultValue {
                merged[spec.name] = RawSetting(value: value, source: .builtInDefault)
            }
        }
        if let path = configFilePath() {
            for (name, value) in try ConfigFile.load(path: path) {
                merged[name] = RawSetting(value: value, source: .file(path))
            }
        }
        for spec in SettingsCatalog.all {
            guard let value = environment[spec.name] else { continue }
            // An empty variable means "not set", except for free text where empty is a value
            // (ES_USER="" turns basic authentication off).
            if value.isEmpty && spec.kind != .text && spec.kind != .secret { continue }
            merged[spec.name] = RawSetting(value: value, source: .environment)
        }
        if merged["AWS_REGION"] == nil, let region = environment["AWS_DEFAULT_REGION"], !region.isEmpty {
            merged["AWS_REGION"] = RawSetting(value: region, source: .environment)
        }
        for (name, raw) in flags {
            merged[name] = raw
        }
        return merged
    }

    public func load() throws -> Settings {
        var settings = try Settings(resolved: resolve())
        if let path = configFilePath() { settings.sources = try ConfigFile.sources(path: path) }
        return settings
    }
}
