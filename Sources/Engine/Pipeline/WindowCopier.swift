/// History of one group and one time range: CloudWatch pages → documents →
/// Elasticsearch through `PageLoop`, advancing the checkpoint only over what Elasticsearch
/// acknowledged. Backfill (the command and the daemon's background work) uses it.
struct WindowCopier: Sendable {
    let pages: PageLoop
    let checkpoints: CheckpointStore
    /// With data streams: ranges may be partly present already, so ask before sending.
    var presence: PresenceLookup?

    /// Copies `range` page by page; returns false when `control` stopped it early (what was
    /// acknowledged so far is in the checkpoint).
    @discardableResult
    func copy(group: GroupKey, range: TimeRange, into report: inout GroupReport, priority given: Priority? = nil,
                     control: CopyControl = .unlimited) async throws -> Bool {
        let priority = given ?? Priority.forHistory(age: WallClock.nowMillis() - range.end)
        await control.admit(priority)
        var covered = range.start
        var finished = false
        let read = PageLoop.Read(group: group, start: range.start, endInclusive: range.end - 1, readPriority: priority, writePriority: priority,
                                 purpose: .backfill, prefetch: true)
        try await pages.run(read, presence: presence) { page in
            report.eventsRead += page.events.count
            report.outcome = report.outcome + page.outcome
            // Pages are sorted by timestamp, so everything before this page's last
            // timestamp is done; events sharing that timestamp may continue on the next page.
            if let last = page.events.last?.timestamp, last > range.start {
                try await checkpoints.markShipped(group.rawValue, TimeRange(start: range.start, end: last))
            }
            let reached = max(covered, min(range.end, page.events.last?.timestamp ?? covered))
            await control.progress?.advance(covered: reached - covered, events: page.events.count)
            covered = reached
            guard page.more else {
                finished = true
                return .stop
            }
            if await control.shouldStop(priority) { return .stop }
            await control.admit(priority)
            return .goOn
        }
        guard finished else { return false }
        try await checkpoints.markShipped(group.rawValue, range)
        await control.progress?.advance(covered: range.end - covered, events: 0)
        report.rangesCopied += 1
        return true
    }
}
