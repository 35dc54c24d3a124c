/// The standard AWS lookup order: environment keys (with an optional session token), a
/// named or default profile in the shared credentials and config files, the ECS/EKS
/// container credentials endpoint, then EC2 instance metadata (IMDSv2).
public struct CredentialChain: CredentialsProvider {
    public var environment: [String: String]
    let transport: HTTPTransport

    public init(environment: [String: String], transport: HTTPTransport = CurlTransport.shared) {
        self.environment = environment
        self.transport = transport
    }

    public func credentials() async throws -> AWSCredentials {
        if let found = try EnvironmentCredentials(environment: environment).credentials() { return found }
        if let found = try ProfileCredentials(environment: environment).credentials() { return found }
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
        throw CredentialsError(message: "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or AWS_PROFILE with a profile in ~/.aws/credentials, or run where container or instance credentials are available")
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
