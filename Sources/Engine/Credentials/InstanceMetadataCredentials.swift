import Foundation

/// EC2 instance metadata, IMDSv2: a session token from `PUT /latest/api/token`, then the
/// instance profile's role and its credentials. AWS_EC2_METADATA_SERVICE_ENDPOINT points
/// elsewhere; AWS_EC2_METADATA_DISABLED=true turns it off.
struct InstanceMetadataCredentials {
    let endpoint: String
    let transport: HTTPTransport

    init?(environment: [String: String], transport: HTTPTransport) {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return nil }
        let configured = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        var endpoint = configured ?? "http://169.254.169.254"
        if endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint
        self.transport = transport
    }

    func credentials() async throws -> AWSCredentials {
        let origin = "EC2 instance metadata at \(endpoint)"
        let tokenResponse = try await transport.send(HTTPRequest(
            method: "PUT", url: endpoint + "/latest/api/token",
            headers: [HTTPHeader("X-aws-ec2-metadata-token-ttl-seconds", "21600")], timeoutSeconds: 2))
        guard tokenResponse.status == 200 else {
            throw CredentialsError(message: "\(origin) refused a session token (HTTP \(tokenResponse.status))")
        }
        let token = [HTTPHeader("X-aws-ec2-metadata-token", tokenResponse.bodyText.trimmingCharacters(in: .whitespacesAndNewlines))]
        let base = endpoint + "/latest/meta-data/iam/security-credentials/"
        let roles = try await transport.send(HTTPRequest(method: "GET", url: base, headers: token, timeoutSeconds: 2))
        guard roles.status == 200, let role = roles.bodyText.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            throw CredentialsError(message: "\(origin) has no instance profile role (HTTP \(roles.status)); attach an IAM role to the instance")
        }
        let answer = try await transport.send(HTTPRequest(method: "GET", url: base + role, headers: token, timeoutSeconds: 2))
        guard answer.status == 200, let json = try? JSONParser().parse(answer.body) else {
            throw CredentialsError(message: "\(origin) returned no credentials for role \(role) (HTTP \(answer.status))")
        }
        return try AWSCredentials.fromMetadataJSON(json, origin: "\(origin), role \(role)")
    }
}
