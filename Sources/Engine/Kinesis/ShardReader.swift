/// Reads one shard of a stream a CloudWatch Logs subscription fills and ships its events:
/// each page of records is decoded, its events made into the very documents polling makes
/// (same `_id`, same fields), written, and only once Elasticsearch has acknowledged them is
/// the page's last sequence number handed to `acknowledge` — where a checkpoint moves.
/// Control messages are skipped. A group first seen here is prepared (its target and alias)
/// before its first write.
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
    /// Makes a group's target and alias ready (`Bootstrap.ensureGroup`), once per group.
    let prepare: @Sendable (GroupKey) async throws -> Void

    struct Progress: Sendable, Equatable {
        /// The last sequence number acknowledged, if any page had records.
        var sequence: String?
        var events = 0
        var outcome = BulkOutcome()
        /// The shard is closed and read to its end: its children are next.
        var closed = false
    }

    /// The key a group of `owner`'s account has here: its plain name when it is the default
    /// source's, `account:region:name` otherwise (as a `[[source]]`'s groups are keyed).
    func key(owner: String, group: String) -> GroupKey {
        let isDefault = defaultSource.region == region && (defaultSource.account == nil || defaultSource.account == owner)
        return isDefault ? GroupKey(group) : GroupKey(account: owner, region: region, name: group)
    }

    /// Reads from `start` until the shard has nothing more for now (a page without records)
    /// or is closed, or `shouldStop` says so between pages.
    func read(shard: String, from start: KinesisClient.Start, shouldStop: @Sendable () -> Bool = { false },
              acknowledge: (String) async throws -> Void) async throws -> Progress {
        var progress = Progress()
        var prepared: Set<GroupKey> = []
        var iterator = try await kinesis.iterator(stream: stream, shard: shard, start: start)
        while !shouldStop() {
            let page = try await kinesis.records(stream: stream, iterator: iterator)
            var byGroup: [GroupKey: [LogEvent]] = [:]
            for record in page.records {
                let decoded = try SubscriptionRecord.decode(record.data, arrival: record.arrival)
                guard decoded.kind == .data else { continue }
                byGroup[key(owner: decoded.owner, group: decoded.logGroup), default: []] += decoded.events
            }
            for (group, events) in byGroup.sorted(by: { $0.key < $1.key }) {
                if prepared.insert(group).inserted { try await prepare(group) }
                let documents = builder.documents(for: events, logGroup: group, index: layout.stableName(for: group))
                progress.outcome = progress.outcome + (try await sink.write(documents, priority: .critical))
                progress.events += events.count
            }
            if let last = page.records.last?.sequence {
                try await acknowledge(last)
                progress.sequence = last
            }
            guard let next = page.next else {
                progress.closed = true
                break
            }
            if page.records.isEmpty { break }
            iterator = next
        }
        return progress
    }
}
