import Foundation

/// A role assumed with a web identity token, as EKS (IRSA) and other OIDC setups provide:
/// AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (with AWS_ROLE_SESSION_NAME), or a
/// profile's `web_identity_token_file` and `role_arn`. The file is read afresh each time,
/// since the platform rotates the token in place.
struct WebIdentityCredentials {
    let roleArn: String
    let tokenFile: String
    let sessionName: String
    let sts: STSClient
    let origin: String

    /// From the environment; nil when AWS_WEB_IDENTITY_TOKEN_FILE is not set.
    init?(environment: [String: String], sts: STSClient) throws {
        guard let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"], !tokenFile.isEmpty else { return nil }
        guard let roleArn = environment["AWS_ROLE_ARN"], !roleArn.isEmpty else {
            throw CredentialsError(message: "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: set the role to assume with the token (EKS sets both for a service account annotated with eks.amazonaws.com/role-arn)")
        }
        self.init(roleArn: roleArn, tokenFile: tokenFile,
                  sessionName: environment["AWS_ROLE_SESSION_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "logstream-\(WallClock.nowMillis() / 1000)",
                  sts: sts, origin: "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)")
    }

    init(roleArn: String, tokenFile: String, sessionName: String, sts: STSClient, origin: String) {
        self.roleArn = roleArn
        self.tokenFile = tokenFile
        self.sessionName = sessionName
        self.sts = sts
        self.origin = origin
    }

    func credentials() async throws -> AWSCredentials {
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw CredentialsError(message: "\(origin): cannot read the token file \(tokenFile)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return try await sts.assumeRoleWithWebIdentity(roleArn: roleArn, sessionName: sessionName, token: token, durationSeconds: nil,
                                                           origin: "\(origin), role \(roleArn)")
        } catch let refusal as STSClient.Refusal {
            throw CredentialsError(message: "role \(roleArn) cannot be assumed from the web identity token in \(tokenFile): \(refusal) — check the role's trust policy (its OIDC provider and the service account in its conditions)")
        }
    }
}
