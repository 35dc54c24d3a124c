/// A `[[source]]`'s role, assumed with base credentials (the default chain's, or a
/// profile's): renewed by `CachedCredentials` before it expires, like any temporary ones.
struct AssumedRoleCredentials: CredentialsProvider {
    let base: CredentialsProvider
    let sts: STSClient
    let roleArn: String
    let externalId: String?
    let sessionName: String
    /// For messages: the source's name.
    let source: String

    func credentials() async throws -> AWSCredentials {
        let baseCredentials = try await base.credentials()
        do {
            return try await sts.assumeRole(roleArn: roleArn, sessionName: sessionName, externalId: externalId, durationSeconds: nil,
                                            with: baseCredentials, origin: "source \(source) (role \(roleArn))")
        } catch let refusal as STSClient.Refusal {
            throw CredentialsError(message: "source \(source): role \(roleArn) cannot be assumed with \(baseCredentials.origin): \(refusal) — check the role's trust policy (and external_id), and that those credentials may call sts:AssumeRole on it")
        }
    }

    func invalidate() async { await base.invalidate() }
}
