/// One HTTP header as sent or received.
struct HTTPHeader: Sendable, Equatable {
    var name: String
    var value: String

    init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// AWS Signature Version 4 parameters; libcurl computes the signature itself.
struct AWSSigning: Sendable {
    var region: String
    var service: String
    var credentials: AWSCredentials
}

/// How a request proves who sends it. Secrets live only here and are handed to libcurl,
/// never formatted into logs or errors.
enum HTTPAuth: Sendable {
    case none
    case basic(user: String, password: String)
    case apiKey(String)
    case awsSigV4(AWSSigning)
}

/// TLS settings: verification is on unless the operator explicitly turns it off.
struct TLSOptions: Sendable {
    var caBundlePath: String?
    var verify: Bool = true
}

public struct HTTPRequest: Sendable {
    /// A POST in AWS's JSON 1.1 protocol (CloudWatch Logs, Kinesis): the operation named in
    /// `X-Amz-Target` (`Logs_20140328.FilterLogEvents`), signed with SigV4 for the service.
    static func awsJSON(endpoint: String, target: String, body: JSONValue, signing: AWSSigning, timeoutSeconds: Double) -> HTTPRequest {
        HTTPRequest(method: "POST", url: endpoint + "/",
                    headers: [HTTPHeader("Content-Type", "application/x-amz-json-1.1"), HTTPHeader("X-Amz-Target", target)],
                    body: body.serialized, auth: .awsSigV4(signing), timeoutSeconds: timeoutSeconds)
    }

    var method: String
    var url: String
    var headers: [HTTPHeader]
    var body: ArraySlice<UInt8>
    var auth: HTTPAuth
    var tls: TLSOptions
    var timeoutSeconds: Double

    init(
        method: String, url: String, headers: [HTTPHeader] = [], body: [UInt8] = [],
        auth: HTTPAuth = .none, tls: TLSOptions = TLSOptions(), timeoutSeconds: Double = 30
    ) {
        self.init(method: method, url: url, headers: headers, body: body[...], auth: auth, tls: tls, timeoutSeconds: timeoutSeconds)
    }

    /// A body that is part of a larger buffer (bulk documents inside their page) is sent
    /// from where it lies.
    init(
        method: String, url: String, headers: [HTTPHeader], body: ArraySlice<UInt8>,
        auth: HTTPAuth, tls: TLSOptions, timeoutSeconds: Double
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.auth = auth
        self.tls = tls
        self.timeoutSeconds = timeoutSeconds
    }
}

public struct HTTPResponse: Sendable {
    var status: Int
    var headers: [HTTPHeader]
    var body: [UInt8]

    init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The largest answer accepted, as sent and as decompressed: the largest the services
    /// give (a FilterLogEvents page is at most 1 MB, a bulk answer of 5,000 items about 2 MB,
    /// a scroll page of heal's 1,000 documents a few MB) many times over, while an answer
    /// that expands without bound (a gzip bomb, a misbehaving proxy) cannot take the memory.
    static let maxBytes = 64 * 1_048_576

    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.last { $0.name.lowercased() == wanted }?.value
    }

    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A request that got no HTTP answer at all.
struct HTTPTransportError: Error, CustomStringConvertible, Sendable {
    enum Kind: Sendable {
        case timeout
        case connect
        case connectionDropped
        case tls
        /// No request can be made at all (libcurl could not be loaded).
        case unavailable
        /// The answer was larger than `HTTPResponse.maxBytes` and was refused.
        case tooLarge
        case other
    }

    /// Whether sending again may help: not when certificates or the machine are the problem.
    var isRetryable: Bool { kind != .tls && kind != .unavailable && kind != .tooLarge }

    var kind: Kind
    var message: String
    /// The request's URL with any credentials removed.
    var url: String

    var description: String { "\(message) (\(url))" }
}

/// The seam between the engine and the network. Production uses `CurlTransport`.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
