import Testing
@testable import Engine

@Suite struct ReconcileCutShortTests {
    /// A round stopped for more urgent work before its windows were all compared must say
    /// so: the daemon records only finished rounds as verified (it used to move on to the
    /// next older day, and the day it was cut short on waited a whole cycle).
    @Test func aRoundStoppedBeforeItsWindowsAreComparedSaysItStoppedEarly() async throws {
        let cloudWatch = ScriptedCloudWatch([ScriptedCloudWatch.emptyPage])
        let reconciler = scriptedReconciler(cloudWatch)
        let day = TimeRange(start: 1_700_000_000_000 - WallClock.millisPerDay, end: 1_700_000_000_000)
        let stopped = await reconciler.reconcile(group: "/g", range: day, retentionDays: nil, control: CopyControl(stop: { _ in true }))
        #expect(stopped.stoppedEarly && stopped.error == nil)
        #expect(cloudWatch.requests == 0)
    }
}

@Suite struct ReportedErrorTests {
    /// A reconcile that fails on a deleted group reports the CloudWatch error itself, not
    /// its text: the daemon's group health reads it as permanent and rests the group.
    @Test func aReconcileErrorKeepsItsTypeSoTheDaemonCanTellPermanentFromPassing() async throws {
        let cloudWatch = ScriptedCloudWatch([(400, "ResourceNotFoundException", #"{"__type":"ResourceNotFoundException","message":"The specified log group does not exist."}"#)])
        let reconciler = scriptedReconciler(cloudWatch)
        let day = TimeRange(start: 1_700_000_000_000 - WallClock.millisPerDay, end: 1_700_000_000_000)
        let report = await reconciler.reconcile(group: "/gone", range: day, retentionDays: nil)
        let error = try #require(report.error)
        let cloudWatchError = try #require(error.underlying as? CloudWatchError, "\(error)")
        #expect(cloudWatchError.code == "ResourceNotFoundException" && !cloudWatchError.isRetryable)
        var health = GroupHealth(retryAfter: 60)
        _ = health.failed("/gone", error: error.underlying, now: 0)
        #expect(!health.isDue("/gone", now: 1), "a deleted group rests instead of failing every round")
    }
}

/// A reconciler over a scripted CloudWatch and an empty scripted cluster.
func scriptedReconciler(_ cloudWatch: ScriptedCloudWatch) -> Reconciler {
    let cluster = ScriptedCluster([])
    let layout = IndexLayout(prefix: "cloudwatch")
    let sink = BulkSink(client: cluster.client(), limits: BulkLimits(batchSize: 10, inFlight: 1), retry: .bulk(Backoff(baseMillis: 1, maxMillis: 2)),
                        deadLetters: DeadLetterFile(path: "/dev/null"))
    let queries = QueryCounter()
    return Reconciler(pages: PageLoop(source: cloudWatch.client(), sink: sink, builder: DocumentBuilder(region: "r"), layout: layout),
                      elasticsearch: ElasticsearchWindows(client: cluster.client(), layout: layout, queries: queries, defaultSource: SourceIdentity(region: "r")), queries: queries, options: ReconcileOptions(counts: .events))
}
