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
        do {
            let fates = try await sink.send(merged[...], priority: priority)
            var start = 0
            for entry in entries {
                let end = start + entry.documents.count
                entry.continuation.resume(returning: BulkOutcome(fates[start..<end]))
                start = end
            }
        } catch {
            for entry in entries { entry.continuation.resume(throwing: error) }
        }
    }
}
