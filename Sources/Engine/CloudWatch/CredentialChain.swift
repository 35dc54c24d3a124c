import Foundation

/// The standard AWS lookup order, as far as this build implements it: environment keys
/// (with an optional session token), then a named or default profile in the shared
/// credentials and config files.
public struct CredentialChain: CredentialsProvider {
    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    public func credentials() async throws -> AWSCredentials {
        if let fromEnvironment = try environmentCredentials() { return fromEnvironment }
        if let fromProfile = try profileCredentials() { return fromProfile }
        throw CredentialsError(message: "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or AWS_PROFILE with a profile in ~/.aws/credentials")
    }

    func environmentCredentials() throws -> AWSCredentials? {
        let key = environment["AWS_ACCESS_KEY_ID"] ?? ""
        let secret = environment["AWS_SECRET_ACCESS_KEY"] ?? ""
        if key.isEmpty && secret.isEmpty { return nil }
        guard !key.isEmpty, !secret.isEmpty else {
            let missing = key.isEmpty ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY"
            throw CredentialsError(message: "\(missing) is not set although its partner is; set both, or neither to use a profile")
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: token, origin: "the environment")
    }

    func profileCredentials() throws -> AWSCredentials? {
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
