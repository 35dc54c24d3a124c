/// A bulk batch on its way: what is still to send, where each of it sits in the batch (kept
/// as two arrays, so that no document is copied per round), which documents went through
/// the safe form, and each document's fate once decided.
struct PendingBatch {
    var documents: ArraySlice<LogDocument>
    var slots: [Int]
    var rewritten: Set<Int> = []
    var fates: [DocumentFate?]
    /// Hears each fate as it is decided, by its position in the batch.
    let settled: (@Sendable (Int, DocumentFate) -> Void)?

    init(_ batch: ArraySlice<LogDocument>, settled: (@Sendable (Int, DocumentFate) -> Void)?) {
        documents = batch
        slots = Array(0..<batch.count)
        fates = [DocumentFate?](repeating: nil, count: batch.count)
        self.settled = settled
    }

    mutating func decide(_ slot: Int, _ end: DocumentFate.End) {
        let fate = DocumentFate(end: end, rewritten: rewritten.contains(slot))
        fates[slot] = fate
        settled?(slot, fate)
    }

    /// Every document's fate, in batch order (all decided once nothing is left to send).
    var result: [DocumentFate] { fates.map { $0! } }
}
