/// Gathers small writes from many callers (typically the tails of many quiet groups) into
/// shared bulk requests. A write waits at most the linger time for company: the batch
/// goes when it is full, or when the first write in it has waited that long — so a quiet
/// group's last events are never held back. Each caller gets back exactly its own outcome.
actor BulkCoalescer {
    private struct Entry {
        var documents: ArraySlice<LogDocument>
        var priority: Priority
        var continuation: CheckedContinuation<BulkOutcome, Error>
    }

    let lingerSeconds: Double
    let maxBytes: Int
    private var pending: [Entry] = []
    private var pendingCount = 0
    private var pendingBytes = 0
    private var generation = 0

    init(lingerSeconds: Double, maxBytes: Int) {
        self.lingerSeconds = lingerSeconds
        self.maxBytes = maxBytes
    }

    func submit(_ documents: ArraySlice<LogDocument>, priority: Priority, batchSize: Int, via sink: BulkSink) async throws -> BulkOutcome {
        try await withCheckedThrowingContinuation { continuation in
            pending.append(Entry(documents: documents, priority: priority, continuation: continuation))
            pendingCount += documents.count
            pendingBytes += documents.reduce(0) { $0 + $1.bulkBytes }
            if pendingCount >= batchSize || pendingBytes >= maxBytes {
                flush(via: sink)
            } else if pending.count == 1 {
                let armed = generation
                Task {
                    try? await Task.sleep(nanoseconds: UInt64(self.lingerSeconds * 1e9))
                    self.flush(generation: armed, via: sink)
                }
            }
        }
    }

    private func flush(generation armed: Int, via sink: BulkSink) {
        guard armed == generation, !pending.isEmpty else { return }
        flush(via: sink)
    }

    private func flush(via sink: BulkSink) {
        let entries = pending
        pending = []
        pendingCount = 0
        pendingBytes = 0
        generation += 1
        Task { await Self.deliver(entries, via: sink) }
    }

    private static func deliver(_ entries: [Entry], via sink: BulkSink) async {
        let merged = entries.flatMap(\.documents)
        let priority = entries.map(\.priority).max() ?? .normal
        // Each caller is answered as soon as its own documents have their fates: one whose
        // documents wait out a blocked index does not hold the others of the request.
        let progress = Locked(Progress(entries: entries))
        do {
            let fates = try await sink.send(merged[...], priority: priority) { slot, fate in
                progress.withLock { $0.settle(slot, fate) }?.resume()
            }
            // Whatever was not heard as it was decided is in the answer: no caller is left waiting.
            let ready = progress.withLock { state in fates.indices.compactMap { state.settle($0, fates[$0]) } + state.remaining() }
            for caller in ready { caller.resume() }
        } catch {
            for entry in progress.withLock({ $0.unanswered() }) { entry.resume(throwing: error) }
        }
    }

    /// Which caller each document belongs to, and whose fates are all known.
    private struct Progress {
        struct Caller {
            var continuation: CheckedContinuation<BulkOutcome, Error>
            var fates: [DocumentFate?]
            var answered = false
        }

        /// Answering a caller, done outside the lock.
        struct Ready {
            var continuation: CheckedContinuation<BulkOutcome, Error>
            var outcome: BulkOutcome
            func resume() { continuation.resume(returning: outcome) }
        }

        var callers: [Caller]
        /// For each position in the merged request: (caller, position in its documents).
        var owners: [(caller: Int, offset: Int)] = []

        init(entries: [Entry]) {
            callers = entries.map { Caller(continuation: $0.continuation, fates: Array(repeating: nil, count: $0.documents.count)) }
            for (caller, entry) in entries.enumerated() {
                for offset in 0..<entry.documents.count { owners.append((caller, offset)) }
            }
        }

        mutating func settle(_ slot: Int, _ fate: DocumentFate) -> Ready? {
            let (caller, offset) = owners[slot]
            guard !callers[caller].answered, callers[caller].fates[offset] == nil else { return nil }
            callers[caller].fates[offset] = fate
            return ready(caller)
        }

        mutating func ready(_ caller: Int) -> Ready? {
            guard !callers[caller].answered, callers[caller].fates.allSatisfy({ $0 != nil }) else { return nil }
            callers[caller].answered = true
            return Ready(continuation: callers[caller].continuation, outcome: BulkOutcome(callers[caller].fates.compactMap { $0 }))
        }

        /// After the request: every caller not answered yet (all fates are known by now).
        mutating func remaining() -> [Ready] {
            callers.indices.compactMap { ready($0) }
        }

        mutating func unanswered() -> [CheckedContinuation<BulkOutcome, Error>] {
            callers.indices.compactMap { caller in
                guard !callers[caller].answered else { return nil }
                callers[caller].answered = true
                return callers[caller].continuation
            }
        }
    }
}
