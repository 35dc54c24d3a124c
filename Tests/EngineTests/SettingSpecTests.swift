import Testing
@testable import Engine

/// Each setting's spec is the one place that parses it into `Settings`: every spec must
/// write a field, and every field (but the config file's `[[source]]`s) must have a spec.
@Suite struct SettingSpecTests {
    @Test func everySettingWritesAFieldAndEveryFieldHasASetting() throws {
        let defaults = try SettingsLoader(environment: [:]).resolve()
        let base = fields(of: try Settings(resolved: defaults))
        var written = Set<String>()
        for spec in SettingsCatalog.all {
            var resolved = defaults
            resolved[spec.name] = RawSetting(value: try #require(alternative(for: spec), "no other value for \(spec.name)"), source: .environment)
            let changed = fields(of: try Settings(resolved: resolved))
            let differing = Set(base.keys.filter { base[$0] != changed[$0] })
            #expect(!differing.isEmpty, "\(spec.name) changed no field of Settings")
            written.formUnion(differing)
        }
        #expect(Set(base.keys).subtracting(written) == ["sources"], "fields of Settings no setting writes")
    }

    @Test func aSettingsErrorNamesTheVariableAndItsSource() throws {
        var resolved = try SettingsLoader(environment: [:]).resolve()
        resolved["LEASE_SECS"] = RawSetting(value: "2", source: .flag("--lease"))
        let error = try #require(throws: ConfigError.self) { try Settings(resolved: resolved) }
        #expect(error.message.contains("LEASE_SECS") && error.message.contains("--lease") && error.message.contains("from 3 to 3600"))
    }

    /// A valid value other than the default.
    private func alternative(for spec: SettingSpec) -> String? {
        switch spec.kind {
        case .integer(let low, let high):
            // Next to the default, so checks between settings (base delay ≤ longest delay) still hold.
            let value = spec.defaultValue.flatMap { Int($0) } ?? low
            return String(value < high ? value + 1 : value - 1)
        case .boolean: return spec.defaultValue == "true" ? "false" : "true"
        case .choice(let words): return words.first { $0 != spec.defaultValue }
        case .url: return "http://other.example:9"
        case .path: return "/tmp/other-path"
        case .timeValue: return "17s"
        case .list: return "/other/a,/other/b"
        case .text, .secret: return "otherword"
        case .address: return "127.0.0.1:9464"
        }
    }

    /// Each stored field's value as text, with `documents`' own fields under `documents.`.
    private func fields(of settings: Settings) -> [String: String] {
        var result: [String: String] = [:]
        for child in Mirror(reflecting: settings).children {
            guard let label = child.label else { continue }
            if label == "documents" {
                for inner in Mirror(reflecting: child.value).children {
                    result["documents." + (inner.label ?? "?")] = String(describing: inner.value)
                }
            } else {
                result[label] = String(describing: child.value)
            }
        }
        return result
    }
}
