/// The engine as the command line sees it: built from validated settings, one method per job.
public struct Engine: Sendable {
    let settings: Settings
    let environment: [String: String]
    let transport: HTTPTransport

    public init(settings: Settings, environment: [String: String], transport: HTTPTransport = CurlTransport.shared) {
        self.settings = settings
        self.environment = environment
        self.transport = transport
    }

    var layout: IndexLayout { IndexLayout(prefix: settings.indexPrefix) }

    var backoff: Backoff { Backoff(baseMillis: settings.backoffBaseMs, maxMillis: settings.backoffMaxMs) }

    func elasticsearch() -> ElasticsearchClient {
        ElasticsearchClient(settings: settings, transport: transport)
    }

    /// The learned volume patterns of the groups, next to the checkpoint file.
    var seasonalPath: String {
        FileIO.parentDirectory(of: settings.checkpointPath) + "/seasonal.json"
    }

    public var deadLetterPath: String {
        FileIO.parentDirectory(of: settings.checkpointPath) + "/dead-letter.ndjson"
    }

    /// Everything a copy job needs, connected and bootstrapped.
    struct Pipeline {
        var groups: [GroupKey]
        var source: CloudWatchLogsClient
        var sink: BulkSink
        var checkpoints: CheckpointStore
        var builder: DocumentBuilder
        var bootstrap: Bootstrap
        var cluster: ClusterInfo
        /// The default source and the `[[source]]`s, for discovery.
        var sources: [ReadSource]
        /// Sources left out at start (each reported; the others ship).
        var sourceFailures: [SourceFailure]
        /// Set where `_id` alone cannot prevent second copies (data streams roll over).
        var presence: PresenceLookup?
        /// The daemon's: background work passes it before every request.
        var gate: PriorityGate?
    }

    /// With `shutdown` (the daemon), background writes also wait at a priority gate
    /// while Elasticsearch is under stress (and background reads while their CloudWatch
    /// account and region is: `CopyControl`).
    func pipeline(shutdown: ShutdownSignal? = nil) async throws -> Pipeline {
        let (_, region) = try settings.requireCloudWatch()
        let (source, sources, account) = try await cloudWatchSources()
        let checkpoints = try CheckpointStore(path: settings.checkpointPath)
        let client = elasticsearch()
        let cluster = try await ensureReachable(client)
        let (groups, connected, failures) = await resolveGroups(source, sources, defaultAccount: account)
        if !failures.isEmpty && failures.count == sources.count {
            throw ConnectionError(message: "no source can be read: " + failures.map { "source \($0.source): \($0.reason)" }.joined(separator: "; "))
        }
        // The daemon says so itself, with when it tries again (Daemon.sourceFailed).
        for failure in failures where shutdown == nil {
            Log.error("source left out for now; the other sources keep shipping", ("source", failure.source), ("error", failure.reason),
                      ("fix", "fix the source's credentials or log_groups"))
        }
        let bootstrap = Bootstrap(client: client, layout: layout, cluster: cluster, priority: settings.esTemplatePriority)
        try await bootstrap.prepare()
        for group in groups { try await bootstrap.ensureGroup(group) }
        let mode = await bootstrap.mode ?? .aliases
        Log.info("elasticsearch layout", ("storage", mode.rawValue), ("prefix", settings.indexPrefix))
        let stress = StressTracker(side: "elasticsearch", minBackoff: Double(backoff.baseMillis) / 1000, maxBackoff: Double(backoff.maxMillis) / 1000)
        let gate = shutdown.map { PriorityGate(elasticsearch: stress, shutdown: $0) }
        let sink = makeSink(client: client, stress: stress, gate: gate)
        return Pipeline(groups: groups, source: source, sink: sink, checkpoints: checkpoints,
                        builder: DocumentBuilder(region: region, account: account, options: settings.documents), bootstrap: bootstrap,
                        cluster: cluster, sources: connected, sourceFailures: failures, presence: mode == .dataStreams ? PresenceLookup(client: client) : nil, gate: gate)
    }

    /// Copies `range` of every configured group; returns one report per group.
    public func backfill(range: TimeRange, progress: ProgressMeter? = nil, shutdown: ShutdownSignal? = nil) async throws -> [GroupReport] {
        let parts = try await pipeline()
        let copier = WindowCopier(pages: pages(parts), checkpoints: parts.checkpoints, presence: parts.presence)
        Log.info("backfill starting", ("groups", parts.groups.count), ("range", range), ("es", redactedURL(settings.esHost)))
        let reports = await Backfill(copier: copier, checkpoints: parts.checkpoints, layout: layout, progress: progress,
                                     retention: ClusterRetention(client: elasticsearch()), shutdown: shutdown).run(groups: parts.groups, range: range)
        await Self.flush(parts.checkpoints)
        return reports + parts.failedSourceReports
    }

    /// Ships everything newer than the checkpoints once; with `follow`, runs the daemon
    /// (tail, background backfill and reconciliation, refresh tuning) until `shutdown` is
    /// requested. Returns the totals per group.
    public func tail(follow: Bool, shutdown: ShutdownSignal) async throws -> [GroupReport] {
        // The endpoint answers from the start (healthy, not ready while connecting).
        let status = follow ? try startStatusServer() : nil
        defer { status?.server.stop() }
        let parts = try await pipeline(shutdown: follow ? shutdown : nil)
        let window = TailWindow(minOverlap: EpochMillis(settings.tailMinOverlapSecs) * 1000, maxOverlap: EpochMillis(settings.tailMaxOverlapSecs) * 1000)
        let vitals = DaemonVitals()
        let tail = Tail(pages: pages(parts), checkpoints: parts.checkpoints, window: window, shutdown: shutdown, presence: parts.presence,
                        pageStored: { await vitals.tailProgressed() })
        if follow {
            var coordinator: Coordinator?
            if settings.coordinated {
                let store = LeaseStore(client: elasticsearch(), layout: layout, serverless: parts.cluster.isServerless)
                try await store.ensureIndex()
                coordinator = Coordinator(instance: settings.instanceID, store: store, checkpoints: parts.checkpoints, leaseSeconds: settings.leaseSecs)
            }
            let reports = await Daemon(engine: self, parts: parts, tail: tail, shutdown: shutdown, coordinator: coordinator,
                                       vitals: vitals, status: status?.served).run()
            await Self.flush(parts.checkpoints)
            return reports
        }
        Log.info("tail starting", ("groups", parts.groups.count))
        var reports: [GroupReport] = []
        await withTaskGroup(of: GroupReport.self) { tasks in
            for group in parts.groups {
                tasks.addTask {
                    let started = WallClock.monotonicSeconds()
                    do {
                        let report = try await tail.pass(group: group)
                        Log.group(group).info("tail pass", ("read", report.eventsRead), ("created", report.outcome.created),
                                 ("already_present", report.outcome.alreadyPresent), ("ms", Int((WallClock.monotonicSeconds() - started) * 1000)))
                        return report
                    } catch {
                        var report = GroupReport(group: group.rawValue, index: layout.stableName(for: group))
                        report.error = ReportedError(error)
                        Log.group(group).error("tail pass failed", ("error", error))
                        return report
                    }
                }
            }
            for await report in tasks { reports.append(report) }
        }
        // Run from cron, `tail` gives the daemon's completeness too: events up to an hour
        // late are found by comparing the recent stretch, as often as the daemon would.
        let schedule = VerificationSchedule(intervalMillis: EpochMillis(settings.reconcileIntervalSecs) * 1000,
                                            tailMillis: EpochMillis(settings.tailMaxOverlapSecs) * 1000)
        let reconciler = self.reconciler(parts)
        for index in reports.indices where reports[index].error == nil && !shutdown.isRequested {
            let group = GroupKey(reports[index].group)
            let now = WallClock.nowMillis()
            guard let windows = schedule.recent(await parts.checkpoints.group(group.rawValue), now: now) else { continue }
            var complete = true
            for window in windows {
                let verified = await reconciler.reconcile(group: group, range: window, retentionDays: nil)
                reports[index].outcome.created += verified.reshipped
                if let error = verified.error {
                    reports[index].error = ReportedError(error.underlying, context: "comparing the last hour with CloudWatch")
                    complete = false
                    break
                }
                if verified.stoppedEarly { complete = false }
            }
            if complete { try? await parts.checkpoints.markRecentVerified(group.rawValue, at: now) }
        }
        await Self.flush(parts.checkpoints)
        return parts.groups.compactMap { group in reports.first { $0.group == group.rawValue } } + parts.failedSourceReports
    }

    /// The pipeline's way from CloudWatch to Elasticsearch, page by page.
    func pages(_ parts: Pipeline) -> PageLoop {
        PageLoop(source: parts.source, sink: parts.sink, builder: parts.builder, layout: layout)
    }

    /// A reconciler over the pipeline's source and sink (RECONCILE_COUNTS unless `options` say otherwise).
    func reconciler(_ parts: Pipeline, options: ReconcileOptions? = nil) -> Reconciler {
        let queries = QueryCounter()
        let windows = ElasticsearchWindows(client: elasticsearch(), layout: layout, queries: queries,
                                           defaultSource: SourceIdentity(region: parts.builder.region, account: parts.builder.account))
        return Reconciler(pages: pages(parts), elasticsearch: windows, queries: queries,
                          options: options ?? ReconcileOptions(counts: settings.reconcileCounts), claims: moveClaims(cluster: parts.cluster))
    }

    /// Compares CloudWatch and Elasticsearch over `range` for every group and repairs what
    /// differs (or only reports, with `dryRun`).
    public func reconcile(range: TimeRange, options: ReconcileOptions, progress: ProgressMeter? = nil) async throws -> [ReconcileReport] {
        let parts = try await pipeline()
        let reconciler = self.reconciler(parts, options: options)
        let seasonal = SeasonalModels(path: seasonalPath)
        Log.info("reconcile starting", ("groups", parts.groups.count), ("range", range), ("dry_run", options.dryRun))
        await progress?.addTotal(range.duration * EpochMillis(parts.groups.count))
        var reports: [ReconcileReport] = []
        for group in parts.groups {
            let retention: Int?
            do {
                retention = try await parts.source.retentionDays(group: group)
            } catch {
                var report = ReconcileReport(group: group.rawValue, range: range)
                report.error = ReportedError(error)
                Log.group(group).error("reconcile failed", ("error", error))
                reports.append(report)
                continue
            }
            var report = await reconciler.reconcile(group: group, range: range, retentionDays: retention, control: CopyControl(progress: progress))
            await seasonal.record(group.rawValue, hourly: report.cloudWatchHourly)
            // The model leaves the hour it is asked about out, so learning this run's hours
            // first does not hide a silent one.
            let model = await seasonal.model(group.rawValue)
            report.silentHours = Set(report.cloudWatchHourly.filter { $0.value == 0 && !model.emptyIsPlausible(at: $0.key) }.keys)
            reports.append(report)
        }
        try? await seasonal.save()
        await Self.flush(parts.checkpoints)
        for failure in parts.sourceFailures {
            var report = ReconcileReport(group: "(source \(failure.source))", range: range)
            report.error = ReportedError(failure)
            reports.append(report)
        }
        return reports
    }

    /// Writes the progress a command kept in memory before it ends.
    static func flush(_ checkpoints: CheckpointStore) async {
        do {
            try await checkpoints.flush()
        } catch {
            Log.error("could not write the checkpoint file at the end; the next run reads the last pages again (nothing is lost or duplicated)",
                      ("file", checkpoints.path), ("error", error))
        }
    }

    /// Finds mapping conflicts across the prefix and, unless `dryRun`, repairs them.
    public func heal(dryRun: Bool, progress: ProgressMeter? = nil) async throws -> HealReport {
        let client = elasticsearch()
        let cluster = try await ensureReachable(client)
        let bootstrap = Bootstrap(client: client, layout: layout, cluster: cluster, priority: settings.esTemplatePriority)
        try await bootstrap.prepare()
        return try await healer(client: client, bootstrap: bootstrap, cluster: cluster, sink: makeSink(client: client, stress: nil, gate: nil))
            .heal(dryRun: dryRun, control: CopyControl(progress: progress))
    }

    func healer(client: ElasticsearchClient, bootstrap: Bootstrap, cluster: ClusterInfo, sink: BulkSink) -> Healer {
        Healer(client: client, layout: layout, bootstrap: bootstrap,
               rebuilder: TargetRebuilder(client: client, sink: sink, graceSeconds: Double(settings.httpTimeoutSecs),
                                          rebuildsInPlace: cluster.offersDataStreamModify),
               claims: MoveClaims(client: client, layout: layout, owner: settings.instanceID, serverless: cluster.isServerless))
    }

    /// Claims that keep heal and reconcile's deletions from moving one group's documents at once.
    func moveClaims(cluster: ClusterInfo) -> MoveClaims {
        MoveClaims(client: elasticsearch(), layout: layout, owner: settings.instanceID, serverless: cluster.isServerless)
    }

    func makeSink(client: ElasticsearchClient, stress: StressTracker?, gate: PriorityGate?) -> BulkSink {
        BulkSink(client: client, limits: BulkLimits(batchSize: settings.batchSize, inFlight: settings.maxInFlight),
                 ceiling: BulkLimits(batchSize: settings.adaptiveMaxBatchSize, inFlight: settings.adaptiveMaxInFlight),
                 retry: .bulk(backoff), deadLetters: DeadLetterFile(path: deadLetterPath), stress: stress, gate: gate,
                 pressure: ResourcePressure(softLimitMB: settings.memorySoftLimitMB), lingerMillis: settings.bulkLingerMs,
                 compress: settings.esGzip)
    }

    /// The group leases instances share (COORDINATION=elasticsearch), by group.
    public func leases() async throws -> [String: LeaseStore.Lease] {
        let client = elasticsearch()
        try await ensureReachable(client)
        return try await LeaseStore(client: client, layout: layout).leases()
    }

    func refreshTuner(cluster: ClusterInfo) -> RefreshTuner {
        RefreshTuner(client: elasticsearch(), layout: layout, hotInterval: settings.esHotRefreshInterval,
                     coldInterval: settings.esColdRefreshInterval, coldAgeDays: settings.esColdAgeDays, cluster: cluster)
    }

    /// Decides hot or cold for every managed index and, unless `dryRun`, applies it.
    public func refreshTune(dryRun: Bool) async throws -> [RefreshTuner.Decision] {
        let tuner = refreshTuner(cluster: try await ensureReachable(elasticsearch()))
        let decisions = try await tuner.plan()
        if !dryRun { try await tuner.apply(decisions) }
        return decisions
    }

    /// Fails early, with the setting to check, when Elasticsearch cannot be reached;
    /// otherwise says what the cluster is.
    @discardableResult
    func ensureReachable(_ client: ElasticsearchClient) async throws -> ClusterInfo {
        do {
            return ClusterInfo(root: try await client.json("GET", "/"))
        } catch let error as HTTPTransportError where error.kind == .unavailable {
            throw ConnectionError(message: error.message)
        } catch let error as HTTPTransportError {
            let advice: String
            if error.kind == .tls && error.message.contains("subject name") {
                // curl: "no alternative certificate subject name matches target host name 'H'".
                let named = error.message.split(separator: "'", omittingEmptySubsequences: false)
                let host = named.count >= 3 ? String(named[named.count - 2]) : redactedURL(settings.esHost)
                advice = "the cluster's certificate is not issued for \(host): set ES_HOST to a host name the certificate lists "
                    + "(ES_TLS_VERIFY=false skips verification, which is not recommended)"
            } else if error.kind == .tls {
                advice = "the TLS handshake failed: set ES_CA_BUNDLE to the PEM file of the CA that signed the cluster's certificate (ES_TLS_VERIFY=false skips verification, which is not recommended)"
            } else {
                advice = "check ES_HOST and that the cluster is up"
            }
            throw ConnectionError(message: "cannot reach Elasticsearch at \(redactedURL(settings.esHost)): \(error.message); \(advice)")
        }
    }
}

struct ConnectionError: Error, CustomStringConvertible, Sendable {
    var message: String
    var description: String { message }
}

extension Engine.Pipeline {
    /// A failed report per source left out, so that a one-shot command says so and fails.
    var failedSourceReports: [GroupReport] {
        sourceFailures.map { failure in
            var report = GroupReport(group: "(source \(failure.source))", index: "-")
            report.error = ReportedError(failure)
            return report
        }
    }
}
