/// AWS STS over its Query API: a form-encoded POST answered in XML. `AssumeRole` is signed
/// with the source credentials; `AssumeRoleWithWebIdentity` is not signed (the token is
/// the proof). The endpoint is AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else the
/// regional one (`sts.<region>.amazonaws.com`, the SDKs' default since regional
/// endpoints became the default), in the region's partition.
struct STSClient: Sendable {
    let transport: HTTPTransport
    let endpoint: String
    let region: String

    init(transport: HTTPTransport, environment: [String: String], region: String?) {
        self.transport = transport
        let region = region.flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
        self.region = region
        func nonEmpty(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        endpoint = nonEmpty("AWS_ENDPOINT_URL_STS") ?? nonEmpty("AWS_ENDPOINT_URL") ?? "https://sts.\(region).\(Settings.dnsSuffix(region: region))"
    }

    /// Why STS said no, with its own code.
    struct Refusal: Error, CustomStringConvertible {
        var code: String
        var message: String
        var description: String { "\(code): \(message)" }
    }

    func assumeRole(roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int?,
                    with source: AWSCredentials, origin: String) async throws -> AWSCredentials {
        var parameters = [("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", roleArn), ("RoleSessionName", sessionName)]
        if let externalId { parameters.append(("ExternalId", externalId)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        return try await call(parameters, signedWith: source, origin: origin)
    }

    func assumeRoleWithWebIdentity(roleArn: String, sessionName: String, token: String, durationSeconds: Int?, origin: String) async throws -> AWSCredentials {
        var parameters = [("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleArn),
                          ("RoleSessionName", sessionName), ("WebIdentityToken", token)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        return try await call(parameters, signedWith: nil, origin: origin)
    }

    /// The account `credentials` belong to (GetCallerIdentity, which needs no permission).
    func account(of credentials: AWSCredentials) async throws -> String {
        let xml = try await post([("Action", "GetCallerIdentity"), ("Version", "2011-06-15")], signedWith: credentials, origin: credentials.origin)
        guard let account = Self.element("Account", in: xml) else {
            throw CredentialsError(message: "STS answered GetCallerIdentity for \(credentials.origin) without an account")
        }
        return account
    }

    private func call(_ parameters: [(String, String)], signedWith source: AWSCredentials?, origin: String) async throws -> AWSCredentials {
        let xml = try await post(parameters, signedWith: source, origin: origin)
        guard let key = Self.element("AccessKeyId", in: xml), let secret = Self.element("SecretAccessKey", in: xml) else {
            throw CredentialsError(message: "STS answered \(origin) without credentials")
        }
        return AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: Self.element("SessionToken", in: xml), origin: origin,
                              expiration: Self.element("Expiration", in: xml).flatMap(Timestamp.parse))
    }

    /// The answer's XML; a refusal as `Refusal`.
    private func post(_ parameters: [(String, String)], signedWith source: AWSCredentials?, origin: String) async throws -> String {
        let body = parameters.map { "\(Self.formEncoded($0.0))=\(Self.formEncoded($0.1))" }.joined(separator: "&")
        let auth: HTTPAuth = source.map { .awsSigV4(AWSSigning(region: region, service: "sts", credentials: $0)) } ?? .none
        let request = HTTPRequest(method: "POST", url: endpoint + "/", headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                  body: Array(body.utf8), auth: auth, timeoutSeconds: 15)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw CredentialsError(message: "cannot reach STS at \(redactedURL(endpoint)) for \(origin): \(error) (AWS_ENDPOINT_URL_STS or AWS_REGION decide where)")
        }
        let xml = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200 else {
            throw Refusal(code: Self.element("Code", in: xml) ?? "HTTP \(response.status)", message: Self.element("Message", in: xml) ?? "no message")
        }
        return xml
    }

    /// The text of the first `<name>…</name>` element, entities decoded.
    static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex) else { return nil }
        return String(xml[open.upperBound..<close.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// `application/x-www-form-urlencoded`, with only RFC 3986's unreserved bytes left as they are.
    static func formEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
