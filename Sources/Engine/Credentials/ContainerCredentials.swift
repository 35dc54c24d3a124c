import Foundation

/// The ECS/EKS container credentials endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
/// (on 169.254.170.2) or AWS_CONTAINER_CREDENTIALS_FULL_URI, with the authorization token
/// from AWS_CONTAINER_AUTHORIZATION_TOKEN or the file AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE.
struct ContainerCredentials {
    let url: String
    let environment: [String: String]
    let transport: HTTPTransport

    init?(environment: [String: String], transport: HTTPTransport) {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            url = "http://169.254.170.2" + relative
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            url = full
        } else {
            return nil
        }
        self.environment = environment
        self.transport = transport
    }

    func credentials() async throws -> AWSCredentials {
        var headers: [HTTPHeader] = []
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            guard let token = FileManager.default.contents(atPath: file) else {
                throw CredentialsError(message: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)")
            }
            headers.append(HTTPHeader("Authorization", String(decoding: token, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !token.isEmpty {
            headers.append(HTTPHeader("Authorization", token))
        }
        let origin = "the container credentials endpoint \(redactedURL(url))"
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: headers, timeoutSeconds: 5))
        } catch {
            throw CredentialsError(message: "\(origin) is unreachable: \(error)")
        }
        guard response.status == 200, let json = try? JSONParser().parse(response.body) else {
            throw CredentialsError(message: "\(origin) answered HTTP \(response.status)")
        }
        return try AWSCredentials.fromMetadataJSON(json, origin: origin)
    }
}
