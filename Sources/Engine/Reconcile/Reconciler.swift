/// Proves, window by window, that Elasticsearch holds exactly the events CloudWatch has,
/// and repairs what differs:
///
/// 1. CloudWatch's events of a day are read once and summarised per minute (count and
///    id checksum) — or, with `.insights` counts, counted per minute by one Logs Insights
///    query (falling back to reading the events when Insights gives no counts).
/// 2. Elasticsearch is asked for the same summary of the whole window; a window that
///    differs is halved, and only the halves that differ are asked again, down to the
///    minimum window — k bad minutes in a day cost O(k log n) queries.
/// 3. In a bad minimum window the ids are compared: missing events are shipped, surplus
///    copies of one event (e.g. in a sibling index) are removed, and documents CloudWatch
///    does not have are reported (deleted only with `deleteExtras`, and only while
///    CloudWatch's retention still covers the window).
struct Reconciler: Sendable {
    /// CloudWatch, the documents and the bulk sink: what repairs are shipped through.
    let pages: PageLoop
    let elasticsearch: ElasticsearchWindows
    let queries: QueryCounter
    let options: ReconcileOptions
    /// Claims on a group before deleting any of its documents (none: deletions go unclaimed).
    var claims: MoveClaims?

    func reconcile(group: GroupKey, range requested: TimeRange, retentionDays: Int?, now: EpochMillis = WallClock.nowMillis(),
                          control: CopyControl = .unlimited) async -> ReconcileReport {
        let range = TimeRange(start: MinuteSummaries.minute(of: requested.start), end: MinuteSummaries.minute(of: requested.end))
        var report = ReconcileReport(group: group.rawValue, range: range)
        report.dryRun = options.dryRun
        if let holder = try? await claims?.heldElsewhere(pages.layout.stableName(for: group)), holder.work == "heal" {
            // While heal copies a group, every document is in both of its targets, which
            // reconcile both reads: comparing now would report copies heal is about to remove.
            report.skipped = "heal is rebuilding this group's target (\(holder.owner)); compared after it ends"
            report.stoppedEarly = true
            Log.group(group).info("reconcile skips the group while its heal runs", ("holder", holder.owner))
            return report
        }
        let cloudWatchBefore = await queries.cloudWatch
        let elasticsearchBefore = await queries.elasticsearch
        var useInsights = options.counts == .insights
        do {
            for window in range.chunksNewestFirst(length: options.topWindow) {
                await control.admit(.normal)
                if await control.shouldStop(.normal) {
                    report.stoppedEarly = true
                    break
                }
                report.windowsChecked += 1
                var cloudWatch: MinuteSummaries?
                if useInsights {
                    await queries.countCloudWatch()
                    if let counts = try await InsightsCounts(source: pages.source).minuteCounts(group: group, range: window) {
                        cloudWatch = MinuteSummaries(counts: counts)
                    } else {
                        useInsights = false
                        Log.group(group).warn("Logs Insights answered without counts; reading the events instead (RECONCILE_COUNTS=events avoids the extra query)")
                    }
                }
                let summaries: MinuteSummaries
                if let cloudWatch {
                    summaries = cloudWatch
                } else {
                    summaries = try await minuteSummaries(group: group, range: window)
                }
                report.cloudWatchHourly.merge(summaries.hourly(within: window)) { $1 }
                if options.hourlyCoverage {
                    report.cloudWatchPerHour.merge(summaries.perHour(within: window)) { $0 + $1 }
                    report.elasticsearchPerHour.merge(try await elasticsearch.hourlyCounts(group: group, range: window)) { $0 + $1 }
                }
                var bad: [(TimeRange, WindowSummary)] = []
                try await bisect(group: group, window: window, cloudWatch: summaries, into: &bad)
                for (badWindow, esSummary) in bad {
                    var discrepancy = WindowDiscrepancy(range: badWindow, cloudWatch: summaries.summary(of: badWindow), elasticsearch: esSummary)
                    try await repair(group: group, &discrepancy, report: &report, retentionDays: retentionDays, now: now)
                    report.discrepancies.append(discrepancy)
                }
                await control.progress?.advance(covered: window.duration, events: summaries.summary(of: window).count)
            }
            if !options.dryRun && !report.discrepancies.isEmpty {
                try await elasticsearch.refresh(group: group)
                for index in report.discrepancies.indices {
                    let after = try await elasticsearch.summary(group: group, range: report.discrepancies[index].range)
                    report.discrepancies[index].resolved = after == report.discrepancies[index].cloudWatch
                }
            }
        } catch {
            report.error = ReportedError(error)
            Log.group(group).error("reconcile failed", ("error", error))
        }
        report.cloudWatchQueries = await queries.cloudWatch - cloudWatchBefore
        report.elasticsearchQueries = await queries.elasticsearch - elasticsearchBefore
        Log.group(group).info("reconcile group done", ("windows", report.windowsChecked), ("bad_windows", report.discrepancies.count),
                 ("reshipped", report.reshipped), ("duplicates_removed", report.duplicatesRemoved), ("extras", report.extrasFound),
                 ("cw_queries", report.cloudWatchQueries), ("es_queries", report.elasticsearchQueries), ("consistent", report.consistent))
        return report
    }

    /// Summarised page by page: nothing is held per event, so memory does not grow with
    /// the day's volume.
    private func minuteSummaries(group: GroupKey, range: TimeRange) async throws -> MinuteSummaries {
        var summaries = MinuteSummaries()
        try await forEachPage(group: group, range: range, purpose: .verification) { events in
            for event in events {
                summaries.add(timestamp: event.timestamp, checksum: DocumentID.checksum(logGroup: group.rawValue, eventIdUTF8: event.eventIdUTF8))
            }
        }
        return summaries
    }

    private func forEachPage(group: GroupKey, range: TimeRange, purpose: ReadPurpose, _ body: ([LogEvent]) async throws -> Void) async throws {
        var token: String?
        repeat {
            await queries.countCloudWatch()
            let page = try await pages.source.filterLogEvents(group: group, start: range.start, endInclusive: range.end - 1, nextToken: token,
                                                        priority: .normal, purpose: purpose)
            try await body(page.events)
            token = page.nextToken
        } while token != nil
    }

    private func bisect(group: GroupKey, window: TimeRange, cloudWatch: MinuteSummaries, into bad: inout [(TimeRange, WindowSummary)]) async throws {
        let esSummary = try await elasticsearch.summary(group: group, range: window)
        guard !cloudWatch.matches(esSummary, in: window) else { return }
        // Nothing there at all: the whole window is missing, and halving it further would
        // only repair it a minute at a time.
        if window.duration <= options.minWindow || esSummary.count == 0 {
            bad.append((window, esSummary))
            return
        }
        let middle = window.start + (window.duration / 2 / 60_000) * 60_000
        let split = middle > window.start ? middle : window.start + 60_000
        try await bisect(group: group, window: TimeRange(start: window.start, end: split), cloudWatch: cloudWatch, into: &bad)
        try await bisect(group: group, window: TimeRange(start: split, end: window.end), cloudWatch: cloudWatch, into: &bad)
    }

    private func repair(group: GroupKey, _ discrepancy: inout WindowDiscrepancy, report: inout ReconcileReport, retentionDays: Int?, now: EpochMillis) async throws {
        let window = discrepancy.range
        if discrepancy.elasticsearch.count == 0 && window.duration > options.minWindow {
            try await repairWhole(group: group, &discrepancy, report: &report)
            return
        }
        // Elasticsearch first: an event the tail ships between the two reads is then in
        // CloudWatch's list and only looks missing (shipping it again creates nothing); read
        // the other way round it would look like an extra that CloudWatch lacks.
        let copies = try await elasticsearch.documents(group: group, range: window)
        var copiesByID: [String: [String]] = [:]
        for copy in copies { copiesByID[copy.id, default: []].append(copy.index) }
        // Then CloudWatch's events, through the page loop like every other copy: what
        // Elasticsearch lacks is shipped page by page as it is read (not in a dry run).
        let (expected, missing) = try await shipMissing(group: group, window: window, present: copiesByID, discrepancy: &discrepancy, report: &report)

        let stable = pages.layout.stableName(for: group)
        let writeTarget = copiesByID.values.contains { $0.count > 1 } ? try await elasticsearch.writeTarget(stable: stable) : nil
        var surplus: [(index: String, id: String)] = []
        for (id, indices) in copiesByID where indices.count > 1 {
            // Keep the copy where the group writes now (the target heal keeps), else one in the
            // group's own targets (plain, or a backing index of its data stream); remove the rest.
            let ownTargets = [pages.layout.versionedName(for: group, version: 1), pages.layout.versionedName(for: group, version: 2)]
            let keep = indices.first { index in writeTarget.map { BackingIndexName.index(index, belongsTo: $0) } ?? false }
                ?? indices.first { index in ownTargets.contains { BackingIndexName.index(index, belongsTo: $0) } } ?? indices[0]
            var kept = false
            for index in indices {
                if index == keep && !kept {
                    kept = true
                } else {
                    surplus.append((index, id))
                }
            }
        }
        let extras = copiesByID.filter { !expected.contains($0.key) }.flatMap { id, indices in indices.map { (index: $0, id: id) } }
        discrepancy.missing = missing
        discrepancy.duplicates = surplus.count
        discrepancy.extras = extras.count
        report.extrasFound += extras.count
        Log.group(group).info("reconcile window differs", ("window", window), ("cw", discrepancy.cloudWatch.count),
                 ("es", discrepancy.elasticsearch.count), ("missing", missing), ("duplicates", surplus.count), ("extras", extras.count))
        guard !options.dryRun else { return }

        let removable = surplus.filter { expected.contains($0.id) }
        let retained = retentionDays.map { window.start >= now - EpochMillis($0) * WallClock.millisPerDay } ?? true
        if !extras.isEmpty && options.deleteExtras && !retained {
            Log.group(group).warn("extras kept: CloudWatch no longer retains this window, so their absence there proves nothing", ("window", window))
        }
        let deletesExtras = !extras.isEmpty && options.deleteExtras && retained
        guard !removable.isEmpty || deletesExtras else { return }
        let delete = { (claim: ClaimGuard) in
            try claim.check()
            let duplicates = try await elasticsearch.delete(removable)
            try claim.check()
            let extras = deletesExtras ? try await elasticsearch.delete(extras) : 0
            return (duplicates, extras)
        }
        do {
            let (duplicates, extrasDeleted) = try await claims.holding(stable, for: "reconcile", seconds: 300, delete)
            report.duplicatesRemoved += duplicates
            report.extrasDeleted += extrasDeleted
        } catch let held as MoveClaims.Held {
            Log.group(group).info("reconcile: surplus copies left for now; another process is moving this group's documents",
                     ("window", window), ("holder", held.holder.owner), ("work", held.holder.work))
        }
    }

    /// Reads `window` of CloudWatch through the page loop, shipping the events whose ids
    /// `present` lacks (unless a dry run); judges the repair by the events' exact summary,
    /// checksum included. Returns every id CloudWatch holds there and how many were missing.
    private func shipMissing(group: GroupKey, window: TimeRange, present: [String: [String]], discrepancy: inout WindowDiscrepancy,
                             report: inout ReconcileReport) async throws -> (expected: Set<String>, missing: Int) {
        var expected: Set<String> = []
        var missing = 0
        var exact = WindowSummary()
        var created = 0
        let dryRun = options.dryRun
        let read = PageLoop.Read(group: group, start: window.start, endInclusive: window.end - 1, readPriority: .normal, writePriority: .high, purpose: .repair)
        try await pages.run(read, select: { events in
            dryRun ? [] : events.filter { present[DocumentID.make(logGroup: group.rawValue, eventId: $0.eventId)] == nil }
        }) { page in
            await queries.countCloudWatch()
            for event in page.events {
                let id = DocumentID.make(logGroup: group.rawValue, eventId: event.eventId)
                expected.insert(id)
                if present[id] == nil { missing += 1 }
                exact = exact + WindowSummary(count: 1, hashSum: DocumentID.checksum(logGroup: group.rawValue, eventIdUTF8: event.eventIdUTF8))
            }
            created += page.outcome.created
            return .goOn
        }
        discrepancy.cloudWatch = exact
        report.reshipped += created
        return (expected, missing)
    }

    /// A window Elasticsearch holds nothing of (a whole day, say): every event is missing,
    /// so they are shipped page by page as they are read, never all held at once.
    private func repairWhole(group: GroupKey, _ discrepancy: inout WindowDiscrepancy, report: inout ReconcileReport) async throws {
        var exact = WindowSummary()
        var created = 0
        let dryRun = options.dryRun
        let read = PageLoop.Read(group: group, start: discrepancy.range.start, endInclusive: discrepancy.range.end - 1,
                                 readPriority: .normal, writePriority: .high, purpose: .repair)
        try await pages.run(read, select: { dryRun ? [] : $0 }) { page in
            for event in page.events {
                exact = exact + WindowSummary(count: 1, hashSum: DocumentID.checksum(logGroup: group.rawValue, eventIdUTF8: event.eventIdUTF8))
            }
            created += page.outcome.created
            return .goOn
        }
        discrepancy.cloudWatch = exact
        discrepancy.missing = exact.count
        report.reshipped += created
        Log.group(group).info("reconcile window differs", ("window", discrepancy.range), ("cw", exact.count), ("es", 0), ("missing", exact.count),
                 ("duplicates", 0), ("extras", 0))
    }
}
