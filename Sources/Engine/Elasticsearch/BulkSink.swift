/// Writes documents with `_bulk` `create` actions: batches bounded by count and bytes,
/// gzip bodies, a shared, priority-ordered limit on requests in flight, and per-item
/// results read one by one. The adaptive controller sets batch size and concurrency from
/// the answers; the stress tracker's circuit breaker holds requests back while
/// Elasticsearch is failing. `write` returns only when every document is stored, was
/// already there, or is in the dead-letter file — so callers may advance checkpoints.
package final class BulkSink: Sendable {
    let client: ElasticsearchClient
    let maxBatchBytes: Int
    /// When a request or its busy or blocked items go again, and when the write gives up.
    let retry: RetryPolicy
    let deadLetters: DeadLetterFile
    let permits: BulkPermits
    let controller: AdaptiveController
    let stress: StressTracker
    /// Background writes wait here, before every attempt, while a side is under stress.
    let gate: PriorityGate?
    let coalescer: BulkCoalescer?
    /// gzip request bodies: about a tenth of the bytes on the wire, for about half the CPU.
    let compress: Bool

    /// `limits` is where the controller starts (BATCH_SIZE, MAX_IN_FLIGHT), `ceiling` how far
    /// it may grow; `lingerMillis` is how long the tail's small writes wait to share a
    /// request (0: never).
    init(client: ElasticsearchClient, limits: BulkLimits, ceiling: BulkLimits? = nil, retry: RetryPolicy, deadLetters: DeadLetterFile,
                stress: StressTracker? = nil, gate: PriorityGate? = nil, pressure: ResourcePressure = ResourcePressure(softLimitMB: 0), lingerMillis: Int = 0,
                compress: Bool = true, maxBatchBytes: Int = 8 * 1024 * 1024) {
        self.retry = retry
        self.client = client
        self.maxBatchBytes = maxBatchBytes
        self.deadLetters = deadLetters
        self.gate = gate
        permits = BulkPermits(capacity: limits.inFlight)
        controller = AdaptiveController(state: ControllerState(start: limits, ceiling: ceiling ?? limits), pressure: pressure, permits: permits)
        self.stress = stress ?? StressTracker(side: "elasticsearch", minBackoff: Double(retry.backoff.baseMillis) / 1000, maxBackoff: Double(retry.backoff.maxMillis) / 1000)
        self.compress = compress
        coalescer = lingerMillis > 0 ? BulkCoalescer(lingerSeconds: Double(lingerMillis) / 1000, maxBytes: maxBatchBytes) : nil
    }

    func write(_ documents: [LogDocument], priority: Priority = .normal) async throws -> BulkOutcome {
        guard !documents.isEmpty else { return BulkOutcome() }
        let batchSize = await controller.limits.batchSize
        let batches = split(documents, batchSize: batchSize)
        return try await withThrowingTaskGroup(of: BulkOutcome.self) { group in
            for batch in batches {
                group.addTask {
                    // Tails of many groups write small pages at once: those share requests.
                    // A backfill's pages follow one another, so waiting would only slow it.
                    if let coalescer = self.coalescer, priority == .critical, batch.count < batchSize {
                        return try await coalescer.submit(batch, priority: priority, batchSize: batchSize, via: self)
                    }
                    return BulkOutcome(try await self.send(batch, priority: priority))
                }
            }
            var total = BulkOutcome()
            for try await outcome in group { total = total + outcome }
            return total
        }
    }

    func split(_ documents: [LogDocument], batchSize: Int) -> [ArraySlice<LogDocument>] {
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
    package static func body(for documents: ArraySlice<LogDocument>) -> ArraySlice<UInt8> {
        guard let first = documents.first else { return [] }
        var end = first.lines.upperBound
        var contiguous = true
        for document in documents.dropFirst() {
            guard document.page === first.page && document.lines.lowerBound == end else {
                contiguous = false
                break
            }
            end = document.lines.upperBound
        }
        if contiguous { return first.page.storage[first.lines.lowerBound..<end] }
        var body: [UInt8] = []
        body.reserveCapacity(documents.reduce(0) { $0 + $1.bulkBytes })
        for document in documents { body.append(contentsOf: document.page.storage[document.lines]) }
        return body[...]
    }

    package static func body(for documents: [LogDocument]) -> ArraySlice<UInt8> {
        body(for: documents[...])
    }

    /// Sends one batch until every document has its fate; the fates are in batch order.
    /// `settled` hears each document's fate as soon as it is decided (by its position in
    /// `batch`), so callers sharing a request need not wait for one another's retries.
    /// Rounds go through the retry policy's loop: busy answers and busy or blocked items
    /// wait and go again, refused documents go again at once in the safe form.
    func send(_ batch: ArraySlice<LogDocument>, priority: Priority,
              settled: (@Sendable (Int, DocumentFate) -> Void)? = nil) async throws -> [DocumentFate] {
        var pending = PendingBatch(batch, settled: settled)
        return try await retry.run(giveUp: { _, why, attempts in
            ElasticsearchError(method: "POST", path: "/_bulk", status: 0, type: "retries_exhausted",
                               reason: "\(pending.documents.count) documents still not stored after \(attempts.failed) attempts; last problem: \(why)")
        }, retrying: { _, why, attempt in
            Log.warn("bulk retry", ("docs", pending.documents.count), ("attempt", attempt), ("reason", why))
        }) {
            guard !pending.documents.isEmpty else { return .done(pending.result) }
            return try await round(&pending, priority: priority)
        }
    }

    /// One request with what is still to send, and what its answer decides.
    private func round(_ pending: inout PendingBatch, priority: Priority) async throws -> RetryPolicy.Attempt<[DocumentFate]> {
        await gate?.admit(priority)
        var started = WallClock.monotonicSeconds()
        let answer: HTTPResponse
        do {
            (answer, started) = try await post(pending.documents, priority: priority)
        } catch let error as HTTPTransportError {
            await stress.failure("bulk request failed: \(error.message)")
            await controller.record(latencyMillis: elapsedMillis(since: started), failed: true)
            throw error
        }
        let elapsed = elapsedMillis(since: started)
        switch answer.status {
        case 200:
            return try await settle(answer, elapsed: elapsed, &pending, priority: priority)
        case 413 where pending.documents.count > 1:
            try await sendHalves(&pending, priority: priority)
            return .now
        case 413:
            try await cutDownOrDeadLetter(&pending)
            return .now
        case let status where RetryPolicy.isBusy(status: status):
            await stress.failure("HTTP \(status)")
            await controller.record(latencyMillis: elapsed, throttled: status == 429, failed: status != 429)
            return .again(.busy, because: "Elasticsearch answered HTTP \(status)")
        default:
            throw ElasticsearchError.from(answer, method: "POST", path: "/_bulk")
        }
    }

    /// Posts `documents` once a request permit is free; the answer and when it was sent.
    private func post(_ documents: ArraySlice<LogDocument>, priority: Priority) async throws -> (HTTPResponse, Double) {
        try await permits.withPermit(priority) {
            // Compressed only once a slot is free, so at most MAX_IN_FLIGHT compressed
            // bodies exist at a time. One contiguous body in one call: measured
            // cheaper than feeding zlib the pieces, three small writes per document.
            let ndjson = Self.body(for: documents)
            let body = self.compress ? try Gzip.compress(ndjson)[...] : ndjson
            return try await self.stress.admitted {
                let sent = WallClock.monotonicSeconds()
                let response = try await self.client.send("POST", "/_bulk", body: body, contentType: "application/x-ndjson",
                                                          contentEncoding: self.compress ? "gzip" : nil, retrying: false)
                return (response, sent)
            }
        }
    }

    /// Each item's fate from a 200 answer: stored or there already, refused (the safe form,
    /// or the dead-letter file once it cannot help), or to go again (busy, a blocked target).
    private func settle(_ answer: HTTPResponse, elapsed: Double, _ pending: inout PendingBatch,
                        priority: Priority) async throws -> RetryPolicy.Attempt<[DocumentFate]> {
        let documents = pending.documents
        let items = try BulkResponseParser.items(from: answer.body)
        guard items.count == documents.count else {
            throw ElasticsearchError(method: "POST", path: "/_bulk", status: 200, type: "protocol_error",
                                     reason: "sent \(documents.count) documents but got \(items.count) results")
        }
        var again: [(slot: Int, document: LogDocument)] = []
        var rewrittenNow = 0
        var busy = 0
        var firstBusy: BulkItemResult?
        var blocked: BulkItemResult?
        for (position, item) in zip(documents.indices, items) {
            let slot = pending.slots[position - documents.startIndex]
            switch item.outcome {
            case .created: pending.decide(slot, .created)
            case .alreadyPresent: pending.decide(slot, .alreadyPresent)
            case .retry:
                again.append((slot, documents[position]))
                busy += 1
                if firstBusy == nil { firstBusy = item }
            case .blocked:
                again.append((slot, documents[position]))
                blocked = item
            case .rejected:
                let document = documents[position]
                let reason = "\(item.errorType ?? "error"): \(item.reason ?? "")"
                if let safe = SafeForm.rewrite(document, reason: reason) {
                    Log.group(document.logGroup).debug("document refused by the mapping, resending with the conflicting field as text",
                                                       ("id", document.id), ("reason", item.reason ?? "-"))
                    again.append((slot, safe))
                    pending.rewritten.insert(slot)
                    rewrittenNow += 1
                    continue
                }
                let new = try await deadLetters.record(document, status: item.status, errorType: item.errorType, reason: item.reason)
                pending.decide(slot, .deadLettered)
                Log.group(document.logGroup).warn(new ? "document rejected, written to the dead-letter file" : "document rejected again; the dead-letter file holds it already",
                                                  ("id", document.id), ("error", item.errorType ?? "-"), ("reason", item.reason ?? "-"), ("file", deadLetters.path))
            }
        }
        // Items refused for their target (a write block, a missing alias) say nothing about
        // the cluster's load: they wait for an operator without pausing other groups' writes.
        if busy > 0 {
            await stress.failure("\(busy) items busy (429)")
        } else {
            await stress.success()
        }
        await controller.record(latencyMillis: elapsed, throttled: busy > 0)
        Log.debug("bulk", ("docs", documents.count), ("retry", again.count), ("priority", priority), ("ms", Int(elapsed)))
        pending.documents = ArraySlice(again.map(\.document))
        pending.slots = again.map(\.slot)
        // Rewritten documents alone go back at once: they were refused, not throttled.
        guard pending.documents.count > rewrittenNow else { return .now }
        let why = (blocked ?? firstBusy).map { "\($0.errorType ?? "error") (HTTP \($0.status)): \($0.reason ?? "")" } ?? "items rejected as busy"
        return .again(.busy, because: why)
    }

    /// Too large for the cluster's http.max_content_length: each half on its own.
    private func sendHalves(_ pending: inout PendingBatch, priority: Priority) async throws {
        let documents = pending.documents, slots = pending.slots
        let half = documents.startIndex + documents.count / 2
        let firstSlots = Array(slots[..<(half - documents.startIndex)]), secondSlots = Array(slots[(half - documents.startIndex)...])
        let rewrittenBefore = pending.rewritten
        let outer = pending.settled
        func forward(_ mapping: [Int]) -> (@Sendable (Int, DocumentFate) -> Void)? {
            guard let outer else { return nil }
            let forwarded: @Sendable (Int, DocumentFate) -> Void = { position, fate in
                let slot = mapping[position]
                outer(slot, DocumentFate(end: fate.end, rewritten: fate.rewritten || rewrittenBefore.contains(slot)))
            }
            return forwarded
        }
        let first = try await send(documents[..<half], priority: priority, settled: forward(firstSlots))
        let second = try await send(documents[half...], priority: priority, settled: forward(secondSlots))
        // The halves told `settled` already.
        for (slot, fate) in zip(slots, first + second) {
            pending.fates[slot] = DocumentFate(end: fate.end, rewritten: fate.rewritten || rewrittenBefore.contains(slot))
        }
        pending.documents = []
        pending.slots = []
    }

    /// One document alone over the cluster's body limit: sent cut down, or dead-lettered
    /// once it cannot be cut further; the group goes on either way.
    private func cutDownOrDeadLetter(_ pending: inout PendingBatch) async throws {
        let slot = pending.slots[0], document = pending.documents[pending.documents.startIndex]
        if let smaller = SafeForm.cutDown(document) {
            Log.group(document.logGroup).warn("document larger than the cluster accepts in one request; sending it cut down, flagged logstream.truncated",
                                              ("id", document.id), ("bytes", document.bulkBytes))
            pending.documents = [smaller]
            pending.rewritten.insert(slot)
            return
        }
        try await deadLetters.record(document, status: 413, errorType: "request_entity_too_large",
                                     reason: "HTTP 413: larger than the cluster's http.max_content_length even cut down to \(document.bulkBytes) bytes")
        pending.decide(slot, .deadLettered)
        Log.group(document.logGroup).warn("document too large for the cluster even cut down, written to the dead-letter file",
                                          ("id", document.id), ("file", deadLetters.path))
        pending.documents = []
        pending.slots = []
    }

    private func elapsedMillis(since started: Double) -> Double {
        (WallClock.monotonicSeconds() - started) * 1000
    }
}
