/// The tail: for each group, read everything from the checkpoint (less the overlap
/// window) to now, ship what was not shipped already, and move the per-stream cursors —
/// only over what Elasticsearch acknowledged.
actor Tail {
    let pages: PageLoop
    let checkpoints: CheckpointStore
    let window: TailWindow
    let shutdown: ShutdownSignal
    /// With data streams: after a restart the overlap window was shipped before, and `_id`
    /// alone may not catch it, so the first pass of each group asks what is there.
    let presence: PresenceLookup?
    /// Called after each page is stored (the daemon's sign that the tail moves, `DaemonVitals`).
    let pageStored: (@Sendable () async -> Void)?
    private var recent: [GroupKey: RecentEventIDs] = [:]
    /// When each group's last pass started, for the decay of measured lag.
    private var lastPass: [GroupKey: EpochMillis] = [:]
    /// When each group's whole window was last read, and its late streams on their own.
    private var lastSweep: [GroupKey: EpochMillis] = [:]
    private var lastLateRead: [GroupKey: EpochMillis] = [:]

    init(pages: PageLoop, checkpoints: CheckpointStore, window: TailWindow, shutdown: ShutdownSignal, presence: PresenceLookup? = nil,
         pageStored: (@Sendable () async -> Void)? = nil) {
        self.presence = presence
        self.pageStored = pageStored
        self.pages = pages
        self.checkpoints = checkpoints
        self.window = window
        self.shutdown = shutdown
    }

    /// Forgets what this process shipped of `group`: another instance may have shipped
    /// since (a lease changed hands), so the next pass checks like a first one.
    func forget(_ group: GroupKey) {
        recent[group] = nil
        lastSweep[group] = nil
        presence?.forget(pages.layout.stableName(for: group))
    }

    /// One pass over `group`: the whole group from just behind its newest event, or from
    /// its whole window when a sweep is due, and, when due, the streams later than the rest
    /// on their own from further back (`TailWindow`).
    func pass(group: GroupKey, now: EpochMillis = WallClock.nowMillis()) async throws -> GroupReport {
        var report = GroupReport(group: group.rawValue, index: pages.layout.stableName(for: group))
        let state = await checkpoints.group(group.rawValue)
        // Never tailed: the whole window behind now.
        let plan = window.plan(for: state) ?? TailWindow.Plan(start: now - window.maxOverlap, sweep: TailWindow.Reach(start: now - window.maxOverlap, overlap: window.maxOverlap))
        let sweeping = plan.sweep.due(last: lastSweep[group], now: now)
        let start = sweeping ? plan.sweep.start : plan.start
        let late = plan.late.flatMap { $0.reach.due(last: lastLateRead[group], now: now) ? $0 : nil }
        var progress = StreamProgress(previous: state.streams, elapsed: lastPass[group].map { now - $0 } ?? 0)
        lastPass[group] = now
        let firstPass = recent[group] == nil
        var seen = recent[group] ?? RecentEventIDs()
        // What sweeps and the late streams' reads will see again is remembered as long as they reach back.
        seen.forget(before: min(start, plan.sweep.start, plan.late?.reach.start ?? start) - 60_000)
        var readUpTo = start
        var finished = false

        // The group, then (when due) its late streams on their own; only the group's read
        // marks its stretch shipped.
        var reads = [PageLoop.Read(group: group, start: start, endInclusive: nil, readPriority: .critical, writePriority: .critical, purpose: .tail)]
        if let late {
            reads.append(PageLoop.Read(group: group, start: late.reach.start, endInclusive: nil, readPriority: .critical, writePriority: .critical,
                                       purpose: .tail, streams: late.streams))
        }
        for read in reads where read.streams.isEmpty || !shutdown.isRequested {
            let whole = read.streams.isEmpty
            try await pages.run(read, presence: firstPass ? presence : nil, select: { events in
                events.filter { !seen.contains($0.eventId, timestamp: $0.timestamp) }
            }) { page in
                report.eventsRead += page.events.count
                report.outcome = report.outcome + page.outcome
                for event in page.events {
                    seen.insert(event.eventId, timestamp: event.timestamp)
                    progress.record(event)
                }
                try await checkpoints.advanceStreams(group.rawValue, progress.cursors, pruneBefore: (progress.cursors.values.map(\.lastTimestamp).max() ?? now) - WallClock.millisPerDay)
                if whole {
                    if let last = page.events.last?.timestamp { readUpTo = max(readUpTo, last) }
                    if readUpTo > start { try await checkpoints.markShipped(group.rawValue, TimeRange(start: start, end: readUpTo)) }
                    finished = !page.more
                }
                await pageStored?()
                // Stop between pages on shutdown: what was read so far is acknowledged and saved.
                return shutdown.isRequested ? .stop : .goOn
            }
            if whole, finished {
                try await checkpoints.markShipped(group.rawValue, TimeRange(start: start, end: max(readUpTo, now)))
                if sweeping { lastSweep[group] = now }
            }
            if !whole { lastLateRead[group] = now }
        }
        recent[group] = seen
        report.rangesCopied = 1
        return report
    }
}
