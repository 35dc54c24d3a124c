import Foundation

/// The AWS shared files: credentials (AWS_SHARED_CREDENTIALS_FILE, default
/// ~/.aws/credentials, sections `[NAME]`) and config (AWS_CONFIG_FILE, default
/// ~/.aws/config, sections `[default]`, `[profile NAME]`, `[sso-session NAME]`). A
/// profile's settings are its config section overlaid by its credentials section.
struct SharedConfigFiles {
    let credentialsPath: String
    let configPath: String
    private let credentials: [String: [String: String]]
    private let config: [String: [String: String]]

    init(environment: [String: String]) {
        let home = environment["HOME"] ?? ""
        credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.aws/credentials"
        configPath = environment["AWS_CONFIG_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.aws/config"
        credentials = INIFile.read(path: credentialsPath) ?? [:]
        config = INIFile.read(path: configPath) ?? [:]
    }

    var paths: String { "\(credentialsPath) or \(configPath)" }

    func profile(_ name: String) -> [String: String]? {
        let fromConfig = config[name == "default" ? "default" : "profile \(name)"]
        let fromCredentials = credentials[name]
        guard fromConfig != nil || fromCredentials != nil else { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { $1 }
    }

    func ssoSession(_ name: String) -> [String: String]? { config["sso-session \(name)"] }
}

/// The INI dialect of the AWS shared files: `[section]` headers and `key = value` lines.
enum INIFile {
    static func read(path: String) -> [String: [String: String]]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[current, default: [:]][key] = value
        }
        return sections
    }
}
