/// The pipeline for one group and one time range: CloudWatch pages → documents →
/// Elasticsearch, advancing the checkpoint only over what Elasticsearch acknowledged.
/// Backfill uses it today; tail and reconcile repair use the same path.
public struct WindowCopier: Sendable {
    let source: CloudWatchLogsClient
    let sink: BulkSink
    let checkpoints: CheckpointStore
    let builder: DocumentBuilder
    let layout: IndexLayout
    /// With data streams: ranges may be partly present already, so ask before sending.
    let presence: PresenceLookup?

    public init(source: CloudWatchLogsClient, sink: BulkSink, checkpoints: CheckpointStore, builder: DocumentBuilder, layout: IndexLayout,
                presence: PresenceLookup? = nil) {
        self.presence = presence
        self.source = source
        self.sink = sink
        self.checkpoints = checkpoints
        self.builder = builder
        self.layout = layout
    }

    /// Copies `range` page by page; returns false when `control` stopped it early (what was
    /// acknowledged so far is in the checkpoint).
    @discardableResult
    public func copy(group: String, range: TimeRange, into report: inout GroupReport, priority given: Priority? = nil,
                     control: CopyControl = .unlimited) async throws -> Bool {
        let index = layout.stableName(for: group)
        let priority = given ?? Priority.forHistory(age: WallClock.nowMillis() - range.end)
        await control.admit(priority)
        var covered = range.start
        var page = try await source.filterLogEvents(group: group, start: range.start, endInclusive: range.end - 1, nextToken: nil, priority: priority, purpose: .backfill)
        while true {
            let token = page.nextToken
            // Fetch the next page while this one is being indexed.
            async let following: LogEventPage? = token == nil ? nil : source.filterLogEvents(group: group, start: range.start, endInclusive: range.end - 1, nextToken: token, priority: priority, purpose: .backfill)
            var documents = builder.documents(for: page.events, logGroup: group, index: index)
            var present = 0
            if let presence { (documents, present) = try await presence.missing(documents, in: index) }
            let outcome = try await sink.write(documents, priority: priority) + BulkOutcome(duplicates: present)
            report.eventsRead += page.events.count
            report.outcome = report.outcome + outcome
            // Pages are sorted by timestamp, so everything before this page's last
            // timestamp is done; events sharing that timestamp may continue on the next page.
            if let last = page.events.last?.timestamp, last > range.start {
                try await checkpoints.markShipped(group, TimeRange(start: range.start, end: last))
            }
            let reached = max(covered, min(range.end, page.events.last?.timestamp ?? covered))
            await control.progress?.advance(covered: reached - covered, events: page.events.count)
            covered = reached
            if token != nil, await control.shouldStop(priority) { return false }
            guard let next = try await following else { break }
            page = next
            await control.admit(priority)
        }
        try await checkpoints.markShipped(group, range)
        await control.progress?.advance(covered: range.end - covered, events: 0)
        report.rangesCopied += 1
        return true
    }
}
