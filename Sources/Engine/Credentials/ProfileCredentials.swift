/// A profile of the shared files (AWS_PROFILE, else `default`), resolved as the AWS SDKs
/// do: a role to assume (`role_arn` with `source_profile`, `credential_source` or
/// `web_identity_token_file`; `external_id`, `role_session_name`, `duration_seconds`),
/// an SSO session (`sso_session` or the older `sso_start_url`), static keys, or a
/// `credential_process`. Every error names the profile, the step and the fix.
struct ProfileCredentials {
    let environment: [String: String]
    let transport: HTTPTransport
    let sts: STSClient
    let files: SharedConfigFiles

    init(environment: [String: String], transport: HTTPTransport, sts: STSClient) {
        self.environment = environment
        self.transport = transport
        self.sts = sts
        files = SharedConfigFiles(environment: environment)
    }

    /// nil when no profile is chosen and there is no `default` one.
    func credentials() async throws -> AWSCredentials? {
        let explicit = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let name = explicit ?? "default"
        guard files.profile(name) != nil else {
            if let explicit { throw CredentialsError(message: "AWS_PROFILE=\(explicit) is not a profile in \(files.paths)") }
            return nil
        }
        return try await resolve(name, chain: [])
    }

    func resolve(_ name: String, chain: [String]) async throws -> AWSCredentials {
        guard let section = files.profile(name) else {
            throw CredentialsError(message: "profile \(chain.last ?? name) names source_profile \(name), which is not in \(files.paths)")
        }
        if let roleArn = section["role_arn"] {
            return try await assume(roleArn, profile: name, section: section, chain: chain)
        }
        if section["sso_session"] != nil || section["sso_start_url"] != nil {
            return try await SSOCredentials(profile: name, section: section, files: files, environment: environment, transport: transport).credentials()
        }
        if let keys = try staticKeys(section, profile: name) { return keys }
        if let command = section["credential_process"] {
            return try await ProcessCredentials(command: command, profile: name).credentials()
        }
        throw CredentialsError(message: "profile \(name) in \(files.paths) has no credentials: give it aws_access_key_id and aws_secret_access_key, role_arn with source_profile or credential_source, sso_session, or credential_process")
    }

    private func staticKeys(_ section: [String: String], profile: String) throws -> AWSCredentials? {
        let key = section["aws_access_key_id"], secret = section["aws_secret_access_key"]
        if key == nil && secret == nil { return nil }
        guard let key, let secret, !key.isEmpty, !secret.isEmpty else {
            throw CredentialsError(message: "profile \(profile) has \(key == nil ? "aws_secret_access_key without aws_access_key_id" : "aws_access_key_id without aws_secret_access_key")")
        }
        return AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: section["aws_session_token"], origin: "profile \(profile)")
    }

    private func assume(_ roleArn: String, profile name: String, section: [String: String], chain: [String]) async throws -> AWSCredentials {
        let sessionName = section["role_session_name"] ?? "logstream-\(WallClock.nowMillis() / 1000)"
        let duration = section["duration_seconds"].flatMap { Int($0) }
        if let tokenFile = section["web_identity_token_file"], section["source_profile"] == nil, section["credential_source"] == nil {
            return try await WebIdentityCredentials(roleArn: roleArn, tokenFile: tokenFile, sessionName: sessionName, sts: sts,
                                                    origin: "profile \(name) (web identity)").credentials()
        }
        let source: AWSCredentials
        let sourceName: String
        if let sourceProfile = section["source_profile"] {
            sourceName = "profile \(sourceProfile)"
            if sourceProfile == name {
                // A profile may be its own source when it holds the keys that assume the role.
                guard let keys = try staticKeys(section, profile: name) else {
                    throw CredentialsError(message: "profile \(name) names itself as source_profile but has no aws_access_key_id/aws_secret_access_key")
                }
                source = keys
            } else if chain.contains(sourceProfile) || chain.contains(name) {
                throw CredentialsError(message: "profiles \((chain + [name, sourceProfile]).joined(separator: " → ")) form a loop of source_profile settings")
            } else {
                source = try await resolve(sourceProfile, chain: chain + [name])
            }
        } else if let credentialSource = section["credential_source"] {
            sourceName = "credential_source \(credentialSource)"
            source = try await credentialSourceCredentials(credentialSource, profile: name)
        } else {
            throw CredentialsError(message: "profile \(name) has role_arn but neither source_profile, credential_source nor web_identity_token_file to assume it with")
        }
        do {
            return try await sts.assumeRole(roleArn: roleArn, sessionName: sessionName, externalId: section["external_id"], durationSeconds: duration,
                                            with: source, origin: "profile \(name) (role \(roleArn))")
        } catch let refusal as STSClient.Refusal {
            throw CredentialsError(message: "profile \(name): role \(roleArn) cannot be assumed with the credentials of \(sourceName): \(refusal) — check the role's trust policy (and external_id), and that \(sourceName) may call sts:AssumeRole on it")
        }
    }

    private func credentialSourceCredentials(_ source: String, profile: String) async throws -> AWSCredentials {
        switch source {
        case "Environment":
            guard let found = try EnvironmentCredentials(environment: environment).credentials() else {
                throw CredentialsError(message: "profile \(profile) has credential_source Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
            }
            return found
        case "EcsContainer":
            guard let container = ContainerCredentials(environment: environment, transport: transport) else {
                throw CredentialsError(message: "profile \(profile) has credential_source EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
            }
            return try await container.credentials()
        case "Ec2InstanceMetadata":
            guard let instance = InstanceMetadataCredentials(environment: environment, transport: transport) else {
                throw CredentialsError(message: "profile \(profile) has credential_source Ec2InstanceMetadata, but instance metadata is disabled (AWS_EC2_METADATA_DISABLED)")
            }
            return try await instance.credentials()
        default:
            throw CredentialsError(message: "profile \(profile) has credential_source \(source); expected Environment, Ec2InstanceMetadata or EcsContainer")
        }
    }
}
