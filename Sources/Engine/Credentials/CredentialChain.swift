/// The AWS SDKs' lookup order: environment keys (with an optional session token); a web
/// identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, as EKS sets up for a service
/// account); the profile (AWS_PROFILE or `default`: keys, a role to assume, SSO, or a
/// credential_process); the ECS/EKS container credentials endpoint; EC2 instance
/// metadata (IMDSv2). Temporary credentials are renewed before they expire by
/// `CachedCredentials`, and again when AWS answers that they expired.
struct CredentialChain: CredentialsProvider {
    var environment: [String: String]
    let transport: HTTPTransport
    let sts: STSClient

    /// `region`: where STS is asked (AWS_REGION); AWS_ENDPOINT_URL_STS overrides the endpoint.
    init(environment: [String: String], transport: HTTPTransport = CurlTransport.shared, region: String? = nil) {
        self.environment = environment
        self.transport = transport
        sts = STSClient(transport: transport, environment: environment,
                        region: region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"])
    }

    func credentials() async throws -> AWSCredentials {
        if let found = try EnvironmentCredentials(environment: environment).credentials() { return found }
        if let webIdentity = try WebIdentityCredentials(environment: environment, sts: sts) { return try await webIdentity.credentials() }
        if let found = try await ProfileCredentials(environment: environment, transport: transport, sts: sts).credentials() { return found }
        if let container = ContainerCredentials(environment: environment, transport: transport) {
            return try await container.credentials()
        }
        if let instance = InstanceMetadataCredentials(environment: environment, transport: transport) {
            do {
                return try await instance.credentials()
            } catch {
                Log.debug("no instance metadata credentials", ("error", error))
            }
        }
        throw CredentialsError(message: "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, or AWS_PROFILE with a profile in ~/.aws/credentials or ~/.aws/config; or run where container or instance credentials are available")
    }
}

/// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the optional AWS_SESSION_TOKEN.
struct EnvironmentCredentials {
    let environment: [String: String]

    func credentials() throws -> AWSCredentials? {
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
}
