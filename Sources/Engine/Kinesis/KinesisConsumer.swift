/// The daemon's part for a source read through its subscription (KINESIS_STREAM, or a
/// `[[source]]`'s `kinesis_stream`): lists the stream's shards, reads every shard that is
/// readable (`ShardOrder`) and, with COORDINATION=elasticsearch, whose lease this instance
/// holds — one reader each, following the shard until it is read to its end, its lease is
/// lost, or the daemon stops — and moves each shard's checkpoint only over what
/// Elasticsearch acknowledged.
///
/// The source's groups are not polled; verification (`BackgroundScheduler`) compares them
/// with CloudWatch like any other, so a delivery CloudWatch could not make (a throttled or
/// deleted stream, a removed filter) is found and repaired. While every readable shard is
/// caught up, what reached the stream before is shipped: each group's stretch up to then,
/// less TAIL_MIN_OVERLAP_SECS for CloudWatch's own delivery delay, is marked shipped, as
/// the tail marks what it read.
actor KinesisConsumer {
    let context: DaemonContext
    let source: ReadSource
    let stream: String
    let kinesis: KinesisClient
    /// Made with the consumer's `admit`: built by `make`.
    private var reader: ShardReader?
    let fromLatest: Bool
    private var shards: [KinesisClient.Shard] = []
    private var readable: [KinesisClient.Shard] = []
    private var reading: Set<String> = []
    /// Where each group's shipped stretch starts in this process.
    private var since: [GroupKey: EpochMillis] = [:]
    /// Groups the subscription delivers that the source's log_groups do not name.
    private var skipped: Set<GroupKey> = []
    /// Shards whose checkpoints this process found at start: the stream was read before.
    private var resumed = false
    /// The shards of the first listing of a stream never read before: the only ones
    /// KINESIS_START=latest starts at the end of. A shard that appears later (a split's or
    /// merge's child) is read from its start, or its parents' last records would be lost.
    private var startAtEnd: Set<String>?
    private var listFailing = false
    /// A shard was read to its end: its children are looked for at once.
    private var listNow = false

    /// Seconds between listings of the shards (resharding is found within this), and
    /// between reads of a shard that had nothing new.
    static let listSeconds = 10.0
    static let idleSeconds = 0.5

    init(context: DaemonContext, source: ReadSource, kinesis: KinesisClient, fromLatest: Bool) {
        self.context = context
        self.source = source
        stream = source.subscription?.stream ?? ""
        self.kinesis = kinesis
        self.fromLatest = fromLatest
    }

    func key(_ shard: String) -> ShardKey { ShardKey(region: source.region, stream: stream, shard: shard) }

    /// Until shutdown.
    func run() async {
        let pipeline = context.pipeline
        reader = ShardReader(kinesis: kinesis, stream: stream, region: source.region, sink: pipeline.sink, builder: pipeline.builder,
                             layout: context.layout, defaultSource: SourceIdentity(region: context.settings.region ?? source.region, account: pipeline.builder.account),
                             admit: { [weak self] group in try await self?.admit(group) ?? false })
        resumed = await !pipeline.checkpoints.state.shards.keys.filter { ShardKey($0)?.stream == stream }.isEmpty
        Log.info("reading the source's groups through their subscription", ("source", source.name), ("stream", stream), ("region", source.region),
                 ("from", resumed ? "checkpoints" : fromLatest ? "latest" : "trim_horizon"))
        await withTaskGroup(of: Void.self) { readers in
            var nextList = -Double.infinity
            while !context.shutdown.isRequested {
                if listNow || WallClock.monotonicSeconds() >= nextList {
                    listNow = false
                    nextList = WallClock.monotonicSeconds() + Self.listSeconds
                    await list()
                }
                for shard in readable where !reading.contains(shard.id) {
                    guard await context.holds(key(shard.id).rawValue) else { continue }
                    reading.insert(shard.id)
                    readers.addTask { await self.follow(shard) }
                }
                await markShipped()
                await context.shutdown.wait(seconds: 2)
            }
        }
    }

    /// The stream's shards, and which of them are readable now (for the leases too).
    private func list() async {
        do {
            shards = try await kinesis.shards(stream: stream)
            if startAtEnd == nil { startAtEnd = fromLatest && !resumed ? Set(shards.map(\.id)) : [] }
            if listFailing { Log.info("subscription stream readable again", ("stream", stream)) }
            listFailing = false
        } catch {
            if !listFailing { Log.error("cannot list the subscription stream's shards; retrying", ("stream", stream), ("error", error)) }
            listFailing = true
            await context.countError(stage: "kinesis")
        }
        let checkpoints = context.pipeline.checkpoints
        var finished: Set<String> = []
        for shard in shards {
            let here = await checkpoints.shard(key(shard.id)).finished
            let elsewhere = await published(shard.id)?.finished == true
            if here || elsewhere { finished.insert(shard.id) }
        }
        readable = ShardOrder.readable(shards, finished: finished.contains)
        await context.coordinator?.setShards(readable.map { key($0.id).rawValue }, of: "\(source.region):\(stream)")
    }

    /// What the instance holding `shard`'s lease last recorded of it (coordinated only).
    private func published(_ shard: String) async -> ShardCheckpoint? {
        guard let json = await context.coordinator?.published[key(shard).rawValue] else { return nil }
        return ShardCheckpoint(json: json)
    }

    /// Reads `shard` while this instance holds it, from its checkpoint on.
    private func follow(_ shard: KinesisClient.Shard) async {
        let key = key(shard.id)
        let checkpoints = context.pipeline.checkpoints
        let shutdown = context.shutdown
        let context = context
        let saved = await checkpoints.shard(key)
        let start: KinesisClient.Start = saved.sequence.map { .after(sequence: $0) } ?? (startAtEnd?.contains(shard.id) == true ? .latest : .trimHorizon)
        let goOn: @Sendable () async -> Bool = {
            guard !shutdown.isRequested else { return false }
            return await context.holds(key.rawValue)
        }
        defer { stopped(shard.id) }
        guard let reader else { return }
        do {
            let progress = try await reader.read(shard: shard.id, from: start, idle: {
                await shutdown.wait(seconds: Self.idleSeconds)
                return await goOn()
            }, goOn: goOn) { page in
                try await checkpoints.advanceShard(key, to: page.checkpoint)
                for (group, report) in page.reports { await context.roster.add(report, of: group) }
                if !page.reports.isEmpty {
                    let created = page.reports.values.reduce(0) { $0 + $1.outcome.created }
                    let read = page.reports.values.reduce(0) { $0 + $1.eventsRead }
                    Log.shard(key).info("subscription records shipped", ("groups", page.reports.count), ("read", read), ("created", created),
                                        ("behind_ms", page.millisBehindLatest ?? -1))
                }
                if let behind = page.millisBehindLatest {
                    await context.metrics.set("logstream_kinesis_millis_behind", Double(behind), labels: [("stream", key.stream), ("shard", key.shard)],
                                              help: "How far behind the newest record of its shard the subscription reader is")
                }
            }
            if progress.closed {
                Log.shard(key).info("shard read to its end; its children are next", ("events", progress.events))
                listNow = true
            }
        } catch {
            await context.countError(stage: "kinesis")
            Log.shard(key).error("reading the shard failed; it is read again from its checkpoint", ("error", error))
            await shutdown.wait(seconds: Self.listSeconds)
        }
    }

    private func stopped(_ shard: String) {
        reading.remove(shard)
    }

    /// A group the subscription delivers: shipped when the source names it (new ones join
    /// the roster, as discovery would add them), else skipped and said once.
    private func admit(_ group: GroupKey) async throws -> Bool {
        if await context.roster.groups.contains(group) { return true }
        guard source.reads(group), GroupResolver.matches(source.entries, group.name) else {
            if skipped.insert(group).inserted {
                Log.group(group).warn("the subscription delivers a group this source's log groups do not name; its events are skipped",
                                      ("stream", stream), ("fix", "add it to LOG_GROUPS (or the source's log_groups), or remove its subscription filter"))
            }
            return false
        }
        try await context.pipeline.bootstrap.ensureGroup(group)
        if await context.roster.add(group) {
            Log.group(group).info("new log group delivered by its subscription", ("stream", stream))
            await context.coordinator?.setGroups(await context.roster.groups.map(\.rawValue))
        }
        return true
    }

    /// While every readable shard is caught up, marks each of the source's groups (held by
    /// this instance) shipped up to then, less the overlap CloudWatch's delivery may take.
    private func markShipped() async {
        let checkpoints = context.pipeline.checkpoints
        var caughtUp: EpochMillis?
        for shard in readable {
            let local = await checkpoints.shard(key(shard.id)).caughtUpAt
            guard let at = [local, await published(shard.id)?.caughtUpAt].compactMap({ $0 }).max() else { return }
            caughtUp = min(caughtUp ?? at, at)
        }
        guard let caughtUp else { return }
        let end = caughtUp - EpochMillis(context.settings.tailMinOverlapSecs) * 1000
        for group in await context.roster.groups where source.reads(group) {
            guard await context.mine(group) else { continue }
            if since[group] == nil {
                // Resumed from the shards' checkpoints within the stream's retention (a day
                // at least): nothing reached the stream unread since the group's last mark.
                let last = await checkpoints.shipped(group.rawValue).ranges.last?.end
                since[group] = resumed ? last.flatMap { $0 >= end - WallClock.millisPerDay ? min($0, end) : nil } ?? end : end
            }
            guard let start = since[group], end > start else { continue }
            do {
                try await checkpoints.markShipped(group.rawValue, TimeRange(start: start, end: end))
                // Like a good tail pass: what reached the stream by then is in Elasticsearch
                // (the group's lag in the metrics and the watchdog's view).
                _ = await context.roster.passSucceeded(group, started: caughtUp)
            } catch {
                Log.group(group).error("could not record the shipped stretch in the checkpoint file", ("error", error))
            }
        }
    }
}
