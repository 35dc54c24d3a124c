/// The one loop that moves events from CloudWatch to Elasticsearch, page by page, for the
/// tail, backfill and reconcile's repair: read a page, ship what it holds (less what the
/// caller knows is there already), and only then hand the page and Elasticsearch's
/// acknowledgement to the caller, which moves exactly what that acknowledgement covers —
/// a checkpoint, a summary, a progress bar — and says whether to go on.
struct PageLoop: Sendable {
    let source: CloudWatchLogsClient
    let sink: BulkSink
    let builder: DocumentBuilder
    let layout: IndexLayout

    /// What to read, and how.
    struct Read {
        var group: GroupKey
        var start: EpochMillis
        var endInclusive: EpochMillis?
        var readPriority: Priority
        var writePriority: Priority
        var purpose: ReadPurpose
        /// Fetch the next page while this one is being indexed (a backfill's long runs).
        var prefetch = false
        /// Only these streams (none: every stream of the group).
        var streams: [String] = []
    }

    /// One page, shipped.
    struct Acknowledged {
        /// Every event of the page, shipped now or known to be there.
        var events: [LogEvent]
        /// What Elasticsearch said about the documents sent (and those found present).
        var outcome: BulkOutcome
        /// CloudWatch has more pages.
        var more: Bool
    }

    enum Next { case goOn, stop }

    /// Reads and ships until CloudWatch has no more pages or `acknowledge` says stop.
    /// `select` picks the events of a page to send (the rest count as known); `presence`
    /// is asked which of them exist already (data streams, where `_id` alone cannot tell).
    /// Runs on the caller's actor, so `select` and `acknowledge` may use its state.
    func run(_ read: Read, presence: PresenceLookup? = nil, isolation: isolated (any Actor)? = #isolation,
             select: ([LogEvent]) -> [LogEvent] = { $0 }, acknowledge: (Acknowledged) async throws -> Next) async throws {
        let index = layout.stableName(for: read.group)
        var page = try await fetch(read, token: nil)
        while true {
            let token = page.nextToken
            async let following: LogEventPage? = read.prefetch && token != nil ? fetch(read, token: token) : nil
            var documents = builder.documents(for: select(page.events), logGroup: read.group, index: index)
            var present = 0
            if let presence { (documents, present) = try await presence.missing(documents, in: index) }
            let outcome = try await sink.write(documents, priority: read.writePriority) + BulkOutcome(alreadyPresent: present)
            let next = try await acknowledge(Acknowledged(events: page.events, outcome: outcome, more: token != nil))
            guard let token, next == .goOn else { return }
            if let prefetched = try await following {
                page = prefetched
            } else {
                page = try await fetch(read, token: token)
            }
        }
    }

    private func fetch(_ read: Read, token: String?) async throws -> LogEventPage {
        try await source.filterLogEvents(group: read.group, start: read.start, endInclusive: read.endInclusive, nextToken: token,
                                         priority: read.readPriority, purpose: read.purpose, streams: read.streams)
    }
}
