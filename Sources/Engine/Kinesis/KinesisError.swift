/// A failed Kinesis Data Streams call, classified for the retry loop and explained for the
/// operator (the stream's name and the permission or setting that decides it).
struct KinesisError: Error, CustomStringConvertible, Sendable {
    var operation: String
    var code: String
    var message: String
    var status: Int
    var stream: String

    /// Kinesis' per-shard limits (5 GetRecords a second, 2 MB a second) answer
    /// ProvisionedThroughputExceededException: waited out like any busy answer.
    var isRetryable: Bool {
        status >= 500 || status == 429 || Self.retryableCodes.contains(code)
    }

    static let retryableCodes: Set<String> = [
        "ProvisionedThroughputExceededException", "LimitExceededException", "KMSThrottlingException",
        "ThrottlingException", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException",
    ]

    /// A shard iterator older than five minutes, or one of a shard that split since.
    var isExpiredIterator: Bool { code == "ExpiredIteratorException" }

    var hint: String {
        switch code {
        case "ResourceNotFoundException":
            return "check the stream's name (KINESIS_STREAM) and AWS_REGION"
        case "AccessDeniedException":
            return "grant the credentials kinesis:\(operation) on the stream (and kinesis:ListShards, kinesis:GetShardIterator, kinesis:GetRecords)"
        default:
            return isRetryable ? "a temporary Kinesis failure; logstream retries with backoff" : "see the message from Kinesis"
        }
    }

    var description: String {
        "Kinesis \(operation) on stream \(stream) failed: \(code): \(message) (HTTP \(status)); \(hint)"
    }

    static func from(_ response: HTTPResponse, operation: String, stream: String) -> KinesisError {
        let json = try? JSONParser().parse(response.body)
        var code = (json?["__type"]?.string).map { String($0.split(separator: "#").last ?? Substring($0)) } ?? "HTTP\(response.status)"
        if let colon = code.firstIndex(of: ":") { code = String(code[..<colon]) }
        let message = json?["message"]?.string ?? json?["Message"]?.string ?? String(response.bodyText.prefix(200))
        return KinesisError(operation: operation, code: code, message: message, status: response.status, stream: stream)
    }
}
