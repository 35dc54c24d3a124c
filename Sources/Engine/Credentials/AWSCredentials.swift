/// AWS credentials. `description` never shows the secret or the session token.
struct AWSCredentials: Sendable, CustomStringConvertible {
    var accessKeyId: String
    var secretAccessKey: String
    var sessionToken: String?
    /// Where they came from, for messages ("the environment", "profile default").
    var origin: String
    /// When temporary credentials stop working; nil for long-lived keys.
    var expiration: EpochMillis?

    /// Reads the JSON shape shared by the container and instance metadata endpoints:
    /// `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`.
    static func fromMetadataJSON(_ json: JSONValue, origin: String) throws -> AWSCredentials {
        guard let key = json["AccessKeyId"]?.string, let secret = json["SecretAccessKey"]?.string else {
            let code = json["Code"]?.string.map { " (\($0))" } ?? ""
            throw CredentialsError(message: "\(origin) returned no credentials\(code)")
        }
        return AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: json["Token"]?.string,
                              origin: origin, expiration: json["Expiration"]?.string.flatMap(Timestamp.parse))
    }

    var description: String { "AWS credentials \(accessKeyId) from \(origin)" }
}

protocol CredentialsProvider: Sendable {
    func credentials() async throws -> AWSCredentials
    /// AWS refused the last credentials as expired: forget any cached copy, so the next
    /// `credentials()` resolves afresh.
    func invalidate() async
}

extension CredentialsProvider {
    func invalidate() async {}
}

struct CredentialsError: Error, CustomStringConvertible, Sendable {
    var message: String
    var description: String { message }
}
