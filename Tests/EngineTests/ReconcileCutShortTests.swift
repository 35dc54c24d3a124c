import Testing
@testable import Engine

@Suite struct ReconcileCutShortTests {
    /// A round stopped for more urgent work before its windows were all compared must say
    /// so: the daemon records only finished rounds as verified (it used to move on to the
    /// next older day, and the day it was cut short on waited a whole cycle).
    @Test func aRoundStoppedBeforeItsWindowsAreComparedSaysItStoppedEarly() async throws {
        let cloudWatch = ScriptedCloudWatch([ScriptedCloudWatch.emptyPage])
        let cluster = ScriptedCluster([])
        let layout = IndexLayout(prefix: "cloudwatch")
        let sink = BulkSink(client: cluster.client(), limits: BulkLimits(batchSize: 10, inFlight: 1), retry: .bulk(Backoff(baseMillis: 1, maxMillis: 2)),
                            deadLetters: DeadLetterFile(path: "/dev/null"))
        let queries = QueryCounter()
        let reconciler = Reconciler(source: cloudWatch.client(), elasticsearch: ElasticsearchWindows(client: cluster.client(), layout: layout, queries: queries),
                                    sink: sink, builder: DocumentBuilder(region: "r"), layout: layout, queries: queries,
                                    options: ReconcileOptions(counts: .events))
        let day = TimeRange(start: 1_700_000_000_000 - WallClock.millisPerDay, end: 1_700_000_000_000)
        let stopped = await reconciler.reconcile(group: "/g", range: day, retentionDays: nil, control: CopyControl(stop: { _ in true }))
        #expect(stopped.stoppedEarly && stopped.error == nil)
        #expect(cloudWatch.requests == 0)
    }
}
