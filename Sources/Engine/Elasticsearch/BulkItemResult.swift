/// What Elasticsearch said about one document of a bulk request.
struct BulkItemResult: Sendable, Equatable {
    var status: Int
    var errorType: String?
    var reason: String?
    /// `failure_store` (Elasticsearch 8.18+): `used` when the document was refused and
    /// stored in the data stream's failure store (`.fs-…`) instead, answered with 201
    /// (Elasticsearch's `190_failure_store_redirection.yml`).
    var failureStore: String?

    enum Outcome: Sendable, Equatable {
        /// Stored now.
        case created
        /// Already stored under the same `_id`: the event was shipped before.
        case alreadyPresent
        /// The cluster is busy or briefly unable to write: send the same document again.
        case retry
        /// The document itself was refused (mapping, parsing): it needs another form.
        case rejected
        /// The target refuses writes for a reason an operator must fix (block, missing index).
        case blocked
    }

    var outcome: Outcome {
        // Not stored where it belongs: as refused as a mapping error, so it takes the safe form.
        if failureStore == "used" { return .rejected }
        switch status {
        case 200, 201: return .created
        case 409: return .alreadyPresent
        case 429, 500, 502, 503, 504: return .retry
        case 400:
            if errorType == "es_rejected_execution_exception" || errorType == "circuit_breaking_exception" { return .retry }
            if isAboutTheTarget { return .blocked }
            return .rejected
        default:
            if errorType == "es_rejected_execution_exception" || errorType == "circuit_breaking_exception" { return .retry }
            return .blocked
        }
    }

    /// A 400 about where the document goes, not what it holds: a closed index, an alias
    /// without a write index, a name that is taken. These go away when an operator fixes
    /// the index, so the document waits for that rather than being dead-lettered.
    private var isAboutTheTarget: Bool {
        switch errorType {
        case "index_closed_exception", "invalid_index_name_exception", "index_not_found_exception", "invalid_alias_name_exception":
            return true
        case "illegal_argument_exception":
            return reason?.contains("no write index is defined") == true
        default:
            return false
        }
    }
}
