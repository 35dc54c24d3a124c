/// What Elasticsearch said about one document of a bulk request.
public struct BulkItemResult: Sendable, Equatable {
    public var status: Int
    public var errorType: String?
    public var reason: String?

    public enum Outcome: Sendable, Equatable {
        /// Stored now.
        case created
        /// Already stored under the same `_id`: the event was shipped before.
        case duplicate
        /// The cluster is busy or briefly unable to write: send the same document again.
        case retry
        /// The document itself was refused (mapping, parsing): it needs another form.
        case rejected
        /// The target refuses writes for a reason an operator must fix (block, missing index).
        case blocked
    }

    public var outcome: Outcome {
        switch status {
        case 200, 201: return .created
        case 409: return .duplicate
        case 429, 500, 502, 503, 504: return .retry
        case 400:
            if errorType == "es_rejected_execution_exception" || errorType == "circuit_breaking_exception" { return .retry }
            return .rejected
        default:
            if errorType == "es_rejected_execution_exception" || errorType == "circuit_breaking_exception" { return .retry }
            return .blocked
        }
    }
}
