/// Reads one shard of a stream a CloudWatch Logs subscription fills and ships its events:
/// each page of records is decoded, its events made into the very documents polling makes
/// (same `_id`, same fields), written, and only once Elasticsearch has acknowledged them is
/// the page's progress (its last sequence number; whether the shard was caught up or read to
/// its end) handed on — where a checkpoint moves. Control messages are skipped. A group is
/// admitted (its target made ready, or its events skipped) on first sight.
///
/// Kinesis allows five GetRecords a second per shard (and 2 MB): reads of one shard are at
/// least `minimumGapSeconds` apart, and a refusal is waited out by the client's retry loop.
struct ShardReader: Sendable {
    let kinesis: KinesisClient
    let stream: String
    /// The region the stream and the groups writing to it are in.
    let region: String
    let sink: BulkSink
    let builder: DocumentBuilder
    let layout: IndexLayout
    /// The default source: its groups are keyed by their plain names, as when polled.
    let defaultSource: SourceIdentity
    /// Whether a group's events are shipped (its target and alias made ready first); false
    /// skips them. Asked once per group per `read`.
    let admit: @Sendable (GroupKey) async throws -> Bool
    var minimumGapSeconds = 0.2

    /// What one acknowledged page moved.
    struct Page: Sendable {
        var checkpoint: ShardCheckpoint
        var reports: [GroupKey: GroupReport]
        var millisBehindLatest: Int64?
    }

    struct Progress: Sendable, Equatable {
        /// The last sequence number acknowledged, if any page had records.
        var sequence: String?
        var events = 0
        var outcome = BulkOutcome()
        /// The shard is closed and read to its end: its children are next.
        var closed = false
    }

    /// Following a shard (the daemon): after a page without records, `idle` waits and says
    /// whether to go on.
    typealias Idle = @Sendable () async -> Bool

    /// The key a group of `owner`'s account has here: its plain name when it is the default
    /// source's, `account:region:name` otherwise (as a `[[source]]`'s groups are keyed).
    func key(owner: String, group: String) -> GroupKey {
        let isDefault = defaultSource.region == region && (defaultSource.account == nil || defaultSource.account == owner)
        return isDefault ? GroupKey(group) : GroupKey(account: owner, region: region, name: group)
    }

    /// Reads from `start` until the shard is closed and read to its end, or `goOn` says to
    /// stop (asked between pages), or — without `idle` — a page comes back without records.
    func read(shard: String, from start: KinesisClient.Start, idle: Idle? = nil, goOn: @Sendable () async -> Bool = { true },
              acknowledged: (Page) async throws -> Void) async throws -> Progress {
        var progress = Progress()
        var admitted: [GroupKey: Bool] = [:]
        var iterator = try await kinesis.iterator(stream: stream, shard: shard, start: start)
        var lastRead = -Double.infinity
        while await goOn() {
            let gap = minimumGapSeconds - (WallClock.monotonicSeconds() - lastRead)
            if gap > 0 { try? await Task.sleep(nanoseconds: UInt64(gap * 1e9)) }
            lastRead = WallClock.monotonicSeconds()
            let requested = WallClock.nowMillis()
            let page: KinesisClient.Page
            do {
                page = try await kinesis.records(stream: stream, iterator: iterator)
            } catch let error as KinesisError where error.isExpiredIterator {
                // Five minutes without a read (a long Elasticsearch outage): start again after
                // what was acknowledged.
                iterator = try await kinesis.iterator(stream: stream, shard: shard, start: progress.sequence.map { .after(sequence: $0) } ?? start)
                continue
            }
            var shipped = Page(checkpoint: ShardCheckpoint(), reports: [:], millisBehindLatest: page.millisBehindLatest)
            var admittedEvents: [(GroupKey, [LogEvent])] = []
            for (group, events) in decode(page.records) {
                if admitted[group] == nil { admitted[group] = try await admit(group) }
                if admitted[group] == true { admittedEvents.append((group, events)) }
            }
            for (group, report) in try await write(admittedEvents) {
                shipped.reports[group] = report
                progress.outcome = progress.outcome + report.outcome
                progress.events += report.eventsRead
            }
            shipped.checkpoint.sequence = page.records.last?.sequence
            if page.millisBehindLatest == 0 { shipped.checkpoint.caughtUpAt = requested }
            shipped.checkpoint.finished = page.next == nil
            try await acknowledged(shipped)
            progress.sequence = shipped.checkpoint.sequence ?? progress.sequence
            guard let next = page.next else {
                progress.closed = true
                break
            }
            iterator = next
            if page.records.isEmpty {
                guard let idle, await idle() else { break }
            }
        }
        return progress
    }

    /// Writes every group's events of a page at once (the sink shares bulk requests among
    /// them), and returns what each group's writes came to once all are acknowledged.
    private func write(_ groups: [(GroupKey, [LogEvent])]) async throws -> [(GroupKey, GroupReport)] {
        try await withThrowingTaskGroup(of: (GroupKey, GroupReport).self) { writes in
            for (group, events) in groups {
                writes.addTask { [builder, layout, sink] in
                    let index = layout.stableName(for: group)
                    var report = GroupReport(group: group.rawValue, index: index)
                    report.eventsRead = events.count
                    report.outcome = try await sink.write(builder.documents(for: events, logGroup: group, index: index), priority: .critical)
                    return (group, report)
                }
            }
            var reports: [(GroupKey, GroupReport)] = []
            for try await report in writes { reports.append(report) }
            return reports
        }
    }

    /// A page's events by group, in the order they came; control messages left out. A
    /// record that is not a subscription's (something else writes to the stream) is said and
    /// passed over: stopping at it would stop the shard for good, and verification finds in
    /// CloudWatch any events it held.
    private func decode(_ records: [KinesisClient.Record]) -> [(GroupKey, [LogEvent])] {
        var byGroup: [GroupKey: [LogEvent]] = [:]
        var order: [GroupKey] = []
        for record in records {
            let decoded: SubscriptionRecord
            do {
                decoded = try SubscriptionRecord.decode(record.data, arrival: record.arrival)
            } catch {
                Log.error("a record in the subscription stream is not a CloudWatch Logs subscription record; passed over",
                          ("stream", stream), ("sequence", record.sequence), ("error", error),
                          ("fix", "only CloudWatch Logs subscription filters should write to the stream"))
                continue
            }
            guard decoded.kind == .data else { continue }
            let group = key(owner: decoded.owner, group: decoded.logGroup)
            if byGroup[group] == nil { order.append(group) }
            byGroup[group, default: []] += decoded.events
        }
        return order.map { ($0, byGroup[$0]!) }
    }
}
