/// A failed CloudWatch Logs call, classified so callers know whether to retry and
/// operators know what to fix.
struct CloudWatchError: Error, CustomStringConvertible, Sendable {
    var operation: String
    var code: String
    var message: String
    var status: Int
    var logGroup: String?

    var isRetryable: Bool {
        if status >= 500 || status == 429 { return true }
        return Self.retryableCodes.contains(code)
    }

    /// The account's request quota was exceeded: slow down, not just retry.
    /// AWS refused the request's credentials as expired: resolving them again may help.
    var isExpiredCredentials: Bool {
        code == "ExpiredTokenException" || code == "ExpiredToken"
    }

    var isThrottling: Bool {
        status == 429 || ["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "LimitExceededException"].contains(code)
    }

    static let retryableCodes: Set<String> = [
        "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
        "ServiceUnavailableException", "ServiceUnavailable", "InternalFailure", "InternalServerError",
        "RequestTimeout", "RequestTimeoutException", "LimitExceededException",
    ]

    /// What the operator should do about it.
    var hint: String {
        switch code {
        case "ResourceNotFoundException":
            return "check the log group name and AWS_REGION; the group must exist in that account and region"
        case "AccessDeniedException", "AccessDenied", "UnauthorizedOperation":
            return "grant the credentials logs:\(operation) (and logs:DescribeLogGroups) on the log group"
        case "UnrecognizedClientException", "InvalidClientTokenId":
            return "the access key is unknown to AWS: check AWS_ACCESS_KEY_ID or the profile in use"
        case "InvalidSignatureException", "SignatureDoesNotMatch":
            return "the signature was rejected: check AWS_SECRET_ACCESS_KEY and that the clock is correct"
        case "ExpiredTokenException", "ExpiredToken":
            return "the session token has expired: refresh the temporary credentials"
        case "ThrottlingException", "Throttling", "LimitExceededException":
            return "the account's CloudWatch Logs request quota was exceeded; logstream backs off and retries"
        default:
            return isRetryable ? "a temporary CloudWatch failure; logstream retries with backoff" : "see the message from CloudWatch"
        }
    }

    var description: String {
        let group = logGroup.map { " for log group \($0)" } ?? ""
        return "CloudWatch \(operation)\(group) failed: \(code): \(message) (HTTP \(status)); \(hint)"
    }
}

extension CloudWatchError {
    /// Reads an error response: JSON 1.1 (`__type`, `message`) as AWS sends it, or the
    /// XML `ErrorResponse` some endpoints use for authentication failures.
    static func from(response: HTTPResponse, operation: String, logGroup: String?) -> CloudWatchError {
        var code = response.header("x-amzn-ErrorType").map(shortCode) ?? ""
        var message = ""
        if let json = try? JSONParser().parse(response.body) {
            if let type = json["__type"]?.string { code = shortCode(type) }
            message = json["message"]?.string ?? json["Message"]?.string ?? ""
        } else {
            let text = response.bodyText
            if let xmlCode = between(text, "<Code>", "</Code>") { code = xmlCode }
            message = between(text, "<Message>", "</Message>") ?? String(text.prefix(200))
        }
        if code.isEmpty { code = "HTTP\(response.status)" }
        return CloudWatchError(operation: operation, code: code, message: message, status: response.status, logGroup: logGroup)
    }

    /// `com.amazonaws.logs#ThrottlingException:http://…` → `ThrottlingException`.
    private static func shortCode(_ raw: String) -> String {
        var code = Substring(raw)
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        return String(code)
    }

    private static func between(_ text: String, _ open: String, _ close: String) -> String? {
        guard let start = text.range(of: open), let end = text.range(of: close, range: start.upperBound..<text.endIndex) else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }
}
