/// Counts of what happened to documents handed to the sink.
public struct BulkOutcome: Sendable, Equatable {
    public var created = 0
    public var duplicates = 0
    public var deadLettered = 0
    /// Documents resent in the safe form after a mapping refusal (also counted as created when stored).
    public var rewritten = 0

    public init(created: Int = 0, duplicates: Int = 0, deadLettered: Int = 0, rewritten: Int = 0) {
        self.created = created
        self.duplicates = duplicates
        self.deadLettered = deadLettered
        self.rewritten = rewritten
    }

    public var acknowledged: Int { created + duplicates + deadLettered }

    public static func + (lhs: BulkOutcome, rhs: BulkOutcome) -> BulkOutcome {
        BulkOutcome(created: lhs.created + rhs.created, duplicates: lhs.duplicates + rhs.duplicates,
                    deadLettered: lhs.deadLettered + rhs.deadLettered, rewritten: lhs.rewritten + rhs.rewritten)
    }
}

/// Writes documents with `_bulk` `create` actions: batches bounded by count and bytes,
/// gzip bodies, at most MAX_IN_FLIGHT requests at once across all callers, and per-item
/// results read one by one. `write` returns only when every document is stored, was
/// already there, or is in the dead-letter file — so callers may advance checkpoints.
public final class BulkSink: Sendable {
    let client: ElasticsearchClient
    let batchSize: Int
    let maxBatchBytes: Int
    let backoff: Backoff
    let maxAttempts: Int
    let permits: AsyncSemaphore
    let deadLetters: DeadLetterFile

    public init(client: ElasticsearchClient, batchSize: Int, maxInFlight: Int, backoff: Backoff, deadLetters: DeadLetterFile,
                maxBatchBytes: Int = 8 * 1024 * 1024, maxAttempts: Int = 12) {
        self.client = client
        self.batchSize = batchSize
        self.maxBatchBytes = maxBatchBytes
        self.backoff = backoff
        self.maxAttempts = maxAttempts
        self.permits = AsyncSemaphore(permits: maxInFlight)
        self.deadLetters = deadLetters
    }

    public func write(_ documents: [LogDocument]) async throws -> BulkOutcome {
        let batches = split(documents)
        return try await withThrowingTaskGroup(of: BulkOutcome.self) { group in
            for batch in batches {
                group.addTask { try await self.send(batch) }
            }
            var total = BulkOutcome()
            for try await outcome in group { total = total + outcome }
            return total
        }
    }

    func split(_ documents: [LogDocument]) -> [ArraySlice<LogDocument>] {
        var batches: [ArraySlice<LogDocument>] = []
        var start = documents.startIndex
        var bytes = 0
        for index in documents.indices {
            let size = documents[index].bulkBytes
            if index > start && (index - start >= batchSize || bytes + size > maxBatchBytes) {
                batches.append(documents[start..<index])
                start = index
                bytes = 0
            }
            bytes += size
        }
        if start < documents.endIndex { batches.append(documents[start...]) }
        return batches
    }

    /// The NDJSON bulk body: a `create` action line and the source line per document.
    /// Documents built together from one page are one run of bytes, taken as it is.
    public static func body(for documents: ArraySlice<LogDocument>) -> ArraySlice<UInt8> {
        guard let first = documents.first else { return [] }
        let shared = first.storage.withUnsafeBufferPointer { $0.baseAddress }
        var end = first.lines.upperBound
        var contiguous = true
        for document in documents.dropFirst() {
            let same = document.storage.withUnsafeBufferPointer { $0.baseAddress } == shared
            guard same && document.lines.lowerBound == end else {
                contiguous = false
                break
            }
            end = document.lines.upperBound
        }
        if contiguous { return first.storage[first.lines.lowerBound..<end] }
        var body: [UInt8] = []
        body.reserveCapacity(documents.reduce(0) { $0 + $1.bulkBytes })
        for document in documents { body.append(contentsOf: document.storage[document.lines]) }
        return body[...]
    }

    public static func body(for documents: [LogDocument]) -> ArraySlice<UInt8> {
        body(for: documents[...])
    }

    private func send(_ batch: ArraySlice<LogDocument>) async throws -> BulkOutcome {
        var pending = Array(batch)
        var outcome = BulkOutcome()
        var attempt = 0
        while !pending.isEmpty {
            let started = WallClock.monotonicSeconds()
            let answer: HTTPResponse
            // One contiguous body compressed in one call: measured cheaper than feeding
            // zlib the pieces, three small writes per document.
            let body = try Gzip.compress(Self.body(for: pending[...]))
            do {
                answer = try await permits.withPermit {
                    try await client.send("POST", "/_bulk", body: body, contentType: "application/x-ndjson", contentEncoding: "gzip")
                }
            } catch let error as HTTPTransportError {
                try await retryLater(&attempt, "bulk request failed: \(error.message)", documents: pending.count)
                continue
            }
            let elapsed = Int((WallClock.monotonicSeconds() - started) * 1000)
            switch answer.status {
            case 200:
                break
            case 413 where pending.count > 1:
                // Too large for the cluster's http.max_content_length: halve and go on.
                let half = pending.count / 2
                outcome = outcome + (try await send(pending[..<half])) + (try await send(pending[half...]))
                return outcome
            case 429, 502, 503, 504:
                try await retryLater(&attempt, "Elasticsearch answered HTTP \(answer.status)", documents: pending.count)
                continue
            default:
                throw ElasticsearchError.from(answer, method: "POST", path: "/_bulk")
            }
            let items = try BulkResponseParser.items(from: answer.body)
            guard items.count == pending.count else {
                throw ElasticsearchError(method: "POST", path: "/_bulk", status: 200, type: "protocol_error",
                                         reason: "sent \(pending.count) documents but got \(items.count) results")
            }
            var again: [LogDocument] = []
            var rewritten = 0
            var blocked: BulkItemResult?
            for (document, item) in zip(pending, items) {
                switch item.outcome {
                case .created: outcome.created += 1
                case .duplicate: outcome.duplicates += 1
                case .retry: again.append(document)
                case .blocked:
                    again.append(document)
                    blocked = item
                case .rejected:
                    let reason = "\(item.errorType ?? "error"): \(item.reason ?? "")"
                    if let safe = SafeForm.rewrite(document, reason: reason) {
                        Log.debug("document refused by the mapping, resending with the conflicting field as text", ("group", document.logGroup),
                                  ("id", document.id), ("reason", item.reason ?? "-"))
                        again.append(safe)
                        rewritten += 1
                        if document.safeFormRounds == 0 { outcome.rewritten += 1 }
                        continue
                    }
                    try await deadLetters.record(document, status: item.status, errorType: item.errorType, reason: item.reason)
                    outcome.deadLettered += 1
                    Log.warn("document rejected, written to the dead-letter file", ("group", document.logGroup), ("id", document.id),
                             ("error", item.errorType ?? "-"), ("reason", item.reason ?? "-"), ("file", deadLetters.path))
                }
            }
            Log.debug("bulk", ("docs", pending.count), ("created", outcome.created), ("retry", again.count), ("ms", elapsed))
            pending = again
            // Rewritten documents alone go back at once: they were refused, not throttled.
            if pending.count > rewritten {
                let why = blocked.map { "\($0.errorType ?? "error") (HTTP \($0.status)): \($0.reason ?? "")" } ?? "items rejected as busy (HTTP 429)"
                try await retryLater(&attempt, why, documents: pending.count)
            }
        }
        return outcome
    }

    private func retryLater(_ attempt: inout Int, _ why: String, documents: Int) async throws {
        attempt += 1
        guard attempt < maxAttempts else {
            throw ElasticsearchError(method: "POST", path: "/_bulk", status: 0, type: "retries_exhausted",
                                     reason: "\(documents) documents still not stored after \(maxAttempts) attempts; last problem: \(why)")
        }
        Log.warn("bulk retry", ("docs", documents), ("attempt", attempt), ("reason", why))
        try await backoff.sleep(attempt: attempt)
    }
}
