/// Resolves credentials once and reuses them, so every request does not re-read files.
public actor CachedCredentials: CredentialsProvider {
    private let provider: CredentialsProvider
    private var cached: AWSCredentials?

    public init(_ provider: CredentialsProvider) {
        self.provider = provider
    }

    public func credentials() async throws -> AWSCredentials {
        if let cached { return cached }
        let fresh = try await provider.credentials()
        cached = fresh
        return fresh
    }
}
