/// AWS credentials. `description` never shows the secret or the session token.
public struct AWSCredentials: Sendable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// Where they came from, for messages ("environment", "profile default").
    public var origin: String

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, origin: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.origin = origin
    }

    public var description: String { "AWS credentials \(accessKeyId) from \(origin)" }
}

public protocol CredentialsProvider: Sendable {
    func credentials() async throws -> AWSCredentials
}

public struct CredentialsError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
