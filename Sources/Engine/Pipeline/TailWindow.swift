import Glibc

/// How far back a tail pass re-reads, so that events CloudWatch ingests late are not
/// skipped: from the newest ingestion time seen, back by twice the largest ingestion lag
/// measured on the group's recently active streams plus a margin — never less than
/// `minOverlap`, never more than `maxOverlap`. Events later than that are left to
/// reconciliation.
struct TailWindow: Sendable, Equatable {
    var minOverlap: EpochMillis
    var maxOverlap: EpochMillis
    static let margin: EpochMillis = 30_000

    init(minOverlap: EpochMillis, maxOverlap: EpochMillis) {
        self.minOverlap = minOverlap
        self.maxOverlap = max(minOverlap, maxOverlap)
    }

    func overlap(for group: CheckpointState.Group) -> EpochMillis {
        guard let newest = group.streams.values.map(\.lastIngestion).max() else { return maxOverlap }
        let active = group.streams.values.filter { $0.lastIngestion >= newest - maxOverlap }
        let lag = active.map(\.lagMillis).max() ?? 0
        return min(maxOverlap, max(minOverlap, 2 * lag + Self.margin))
    }

    /// Where the next pass starts reading; nil when the group has never been tailed.
    func start(for group: CheckpointState.Group) -> EpochMillis? {
        guard let newestIngestion = group.streams.values.map(\.lastIngestion).max(),
              let newestEvent = group.tailPosition else { return nil }
        // Ingestion time is when the last pass could see data; event time bounds it from
        // below for streams whose clocks run ahead.
        return min(newestIngestion, newestEvent) - overlap(for: group)
    }
}

