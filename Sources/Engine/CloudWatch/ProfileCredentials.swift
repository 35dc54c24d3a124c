import Foundation

/// Keys of a profile (AWS_PROFILE, else `default`) in the shared credentials file
/// (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials) or config file
/// (AWS_CONFIG_FILE, default ~/.aws/config, where sections read `[profile NAME]`).
struct ProfileCredentials {
    let environment: [String: String]

    func credentials() throws -> AWSCredentials? {
        let explicitProfile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let profile = explicitProfile ?? "default"
        let home = environment["HOME"] ?? ""
        let credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials"
        let configPath = environment["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config"
        let sections = [
            (credentialsPath, INIFile.read(path: credentialsPath)?[profile]),
            (configPath, INIFile.read(path: configPath)?[profile == "default" ? "default" : "profile \(profile)"]),
        ]
        for (path, section) in sections {
            guard let section, let key = section["aws_access_key_id"], let secret = section["aws_secret_access_key"] else { continue }
            return AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: section["aws_session_token"],
                                  origin: "profile \(profile) in \(path)")
        }
        if let explicitProfile {
            throw CredentialsError(message: "AWS_PROFILE=\(explicitProfile) has no aws_access_key_id/aws_secret_access_key in \(credentialsPath) or \(configPath)")
        }
        return nil
    }
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
