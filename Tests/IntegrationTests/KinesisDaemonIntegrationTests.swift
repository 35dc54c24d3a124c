@testable import Engine
import Foundation
import Testing

/// `tail --follow` reading a source through its subscription stream (KINESIS_STREAM) on the
/// rig: CloudWatch Logs (moto) delivers each PutLogEvents batch to the stream, and the rig's
/// Kinesis answers as AWS does (five GetRecords a second per shard, closed shards end).
@Suite struct KinesisDaemonIntegrationTests {
    func environment(_ rig: Rig, groups: [String], stream: String, state: String) -> [String: String] {
        var environment = rig.environment(groups: groups, checkpointPath: rig.directory + "/\(state)/cp.json")
        environment["KINESIS_STREAM"] = stream
        environment["POLL_INTERVAL_SECS"] = "1"
        environment["BACKFILL_DAYS"] = "0"
        environment["RECONCILE_INTERVAL_SECS"] = "86400"
        environment["METRICS_FILE"] = rig.directory + "/\(state)/metrics.prom"
        return environment
    }

    func metric(_ path: String, _ line: String) -> Double? {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    func shardCheckpoints(_ path: String) throws -> [String: JSONValue] {
        let json = try JSONParser().parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        return Dictionary(uniqueKeysWithValues: (json["shards"]?.members ?? []).map { ($0.key, $0.value) })
    }

    /// The messages of every record at or before each shard's checkpointed sequence number.
    func coveredMessages(_ rig: Rig, stream: String, checkpoints: [String: JSONValue]) async throws -> Set<String> {
        let kinesis = rig.kinesisClient()
        var covered: Set<String> = []
        for shard in try await kinesis.shards(stream: stream) {
            guard let upTo = checkpoints.first(where: { $0.key.hasSuffix(":" + shard.id) })?.value["sequence"]?.string else { continue }
            var iterator = try await kinesis.iterator(stream: stream, shard: shard.id, start: .trimHorizon)
            reading: while true {
                let page = try await kinesis.records(stream: stream, iterator: iterator)
                for record in page.records {
                    guard ShardCheckpoint.later(record.sequence, upTo) == upTo else { break reading }
                    covered.formUnion(try SubscriptionRecord.decode(record.data, arrival: nil).events.map(\.message))
                }
                guard !page.records.isEmpty, let next = page.next else { break }
                iterator = next
            }
        }
        return covered
    }

    func stored(_ rig: Rig, _ group: String) async throws -> (count: Int, distinct: Int) {
        _ = try await rig.elasticsearch().send("POST", "/cloudwatch-*/_refresh")
        return try await rig.countAndDistinct(group: group)
    }

    /// The group's events arrive through the stream, not by polling (the tail reads no
    /// CloudWatch event), each shard's checkpoint records its acknowledged sequence number,
    /// and a daemon killed while events keep arriving, started again, loses and duplicates
    /// nothing.
    @Test func theDaemonShipsASubscribedGroupFromItsStreamAndAKillLosesAndDuplicatesNothing() async throws {
        try await Rig.with(esProxy: true) { rig in
            let group = "/sub/daemon"
            _ = try await rig.helper(["subscribe", "--endpoint", rig.cloudWatchURL, "--group", group, "--stream", "cwl-daemon", "--shards", "2"])
            let environment = environment(rig, groups: [group], stream: "cwl-daemon", state: "state")
            var expected = 0
            func putBatch(_ number: Int) async throws {
                try await rig.put(group: group, stampedAtSend: (0..<20).map { (EpochMillis($0), "batch \(number) event \($0)", "s\(number % 3)") })
                expected += 20
            }
            try await putBatch(0)
            var daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            let first = try await eventually(seconds: 60, watching: daemon) { try await stored(rig, group).count == 20 }
            #expect(first, "\(daemon.stderr.suffix(3000))")
            let metrics = rig.directory + "/state/metrics.prom"
            let reported = await eventually(seconds: 30) { metric(metrics, #"logstream_documents_created{group="\#(group)"}"#) == 20 }
            #expect(reported, "\((try? String(contentsOfFile: metrics, encoding: .utf8)) ?? "no metrics")")
            #expect(metric(metrics, #"logstream_cloudwatch_events_read{purpose="tail"}"#) == 0, "the subscribed group was polled")

            // Killed mid-batch: the next bulk request is held by the proxy, and the daemon is killed
            // while it waits for the answer; then started again while batches keep coming.
            try await rig.injectElasticsearchFault(["path": "/_bulk", "count": 1, "status": 0, "delay_ms": 20_000])
            for number in 1...5 { try await putBatch(number) }
            let held = try await eventually(seconds: 60, watching: daemon) { try await rig.firedElasticsearchFaults().values.reduce(0, +) >= 1 }
            #expect(held, "no bulk request was held: \(daemon.stderr.suffix(2000))")
            // While the answer is held, the checkpoint (written within a second) covers only
            // records whose every event Elasticsearch already has.
            try await Task.sleep(nanoseconds: 2_500_000_000)
            let saved = try shardCheckpoints(rig.directory + "/state/cp.json")
            _ = try await rig.elasticsearch().send("POST", "/cloudwatch-*/_refresh")
            let storedMessages = Set(try await rig.documents(group: group).compactMap { $0["message"]?.string })
            let covered = try await coveredMessages(rig, stream: "cwl-daemon", checkpoints: saved)
            #expect(!covered.isEmpty && covered.isSubset(of: storedMessages),
                    "the checkpoint covers events Elasticsearch has not acknowledged: \(covered.subtracting(storedMessages).sorted().prefix(5))")
            daemon.signal(SIGKILL)
            _ = await daemon.waitForExit(seconds: 10)
            for number in 6...8 { try await putBatch(number) }
            daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            let complete = try await eventually(seconds: 90, watching: daemon) { try await stored(rig, group).count >= expected }
            let (count, distinct) = try await stored(rig, group)
            #expect(complete && count == expected && distinct == expected, "count \(count), distinct \(distinct), expected \(expected)\n\(daemon.stderr.suffix(3000))")

            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 40) == 0, "\(daemon.stderr.suffix(2000))")
            let shards = try shardCheckpoints(rig.directory + "/state/cp.json")
            #expect(shards.count == 2 && shards.values.allSatisfy { $0["sequence"]?.string != nil }, "\(shards)")
            let afterStop = try await stored(rig, group).count
            #expect(afterStop == expected)
        }
    }

    /// A split closes the shards: each is read to its end and only then its children, and
    /// every event from before and after the split is stored once.
    @Test func afterASplitChildShardsAreReadOnceTheirParentsAreReadToTheirEnd() async throws {
        try await Rig.with { rig in
            let group = "/sub/reshard"
            _ = try await rig.helper(["subscribe", "--endpoint", rig.cloudWatchURL, "--group", group, "--stream", "cwl-split", "--shards", "1"])
            let environment = environment(rig, groups: [group], stream: "cwl-split", state: "state")
            // Stricter than AWS (five reads a second per shard): one, so the reader is told to wait.
            let kinesisLimits = ElasticsearchClient(transport: CurlTransport.shared, baseURL: rig.cloudWatchURL, auth: .none, tls: TLSOptions(), timeoutSeconds: 10)
            try await kinesisLimits.json("POST", "/_rig/kinesis", ["reads_per_second": 1])
            try await rig.put(group: group, stampedAtSend: (0..<30).map { (EpochMillis($0), "before the split \($0)", "a") })
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            let before = try await eventually(seconds: 60, watching: daemon) { try await stored(rig, group).count == 30 }
            #expect(before, "\(daemon.stderr.suffix(3000))")

            let split = try await rig.helper(["split", "--endpoint", rig.cloudWatchURL, "--stream", "cwl-split"])
            #expect(split["split"]?.array?.count == 1 && split["shards"]?.array?.count == 3, "\(split)")
            for batch in 0..<4 {
                try await rig.put(group: group, stampedAtSend: (0..<25).map { (EpochMillis($0), "after the split \(batch)-\($0)", "b\(batch)") })
            }
            let after = try await eventually(seconds: 90, watching: daemon) { try await stored(rig, group).count >= 130 }
            let (count, distinct) = try await stored(rig, group)
            #expect(after && count == 130 && distinct == 130, "count \(count), distinct \(distinct)\n\(daemon.stderr.suffix(3000))")
            #expect(daemon.stderr.contains("shard read to its end"), "\(daemon.stderr.suffix(3000))")
            let limits = try await kinesisLimits.json("GET", "/_rig/kinesis")
            #expect((limits["refused"]?.double ?? 0) > 0, "the reader was never told to wait: \(limits)")

            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 40) == 0)
            let shards = try shardCheckpoints(rig.directory + "/state/cp.json")
            let parent = shards.filter { $0.value["finished"]?.bool == true }
            #expect(parent.count == 1, "the split parent is recorded as read to its end: \(shards)")
            #expect(shards.count == 3 && shards.filter { $0.value["sequence"]?.string != nil }.count >= 2, "\(shards)")
            let show = try await ProcessRunner.run(ProjectPaths.binary, ["checkpoint", "show"], environment: environment)
            #expect(show.status == 0 && show.stdout.contains("KINESIS SHARD") && show.stdout.contains("read to its end"), "\(show.stdout)\(show.stderr)")
        }
    }

    /// Two instances share the shards through leases, as they share groups; when one is
    /// killed the other takes its shards over from the checkpoints in their leases, and every
    /// event is stored once.
    @Test func twoInstancesShareTheShardsAndTheSurvivorTakesOverAKilledOnesShards() async throws {
        try await Rig.with { rig in
            let group = "/sub/shared"
            _ = try await rig.helper(["subscribe", "--endpoint", rig.cloudWatchURL, "--group", group, "--stream", "cwl-shared", "--shards", "4"])
            func instance(_ name: String) -> [String: String] {
                var environment = environment(rig, groups: [group], stream: "cwl-shared", state: name)
                environment["COORDINATION"] = "elasticsearch"
                environment["INSTANCE_ID"] = name
                environment["LEASE_SECS"] = "6"
                return environment
            }
            var expected = 0
            func putBatch(_ label: String) async throws {
                try await rig.put(group: group, stampedAtSend: (0..<40).map { (EpochMillis($0), "\(label) \($0)", "s\($0 % 4)") })
                expected += 40
            }
            let alpha = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: instance("alpha"))
            let bravo = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: instance("bravo"))
            func shardOwners() async throws -> [String: String] {
                let answer = try await rig.elasticsearch().json("POST", "/cloudwatch-logstream-state/_search?ignore_unavailable=true", [
                    "size": 100, "query": ["term": ["kind": "lease"]],
                ])
                var owners: [String: String] = [:]
                for hit in answer["hits"]?["hits"]?.array ?? [] {
                    guard let source = hit["_source"], let name = source["group"]?.string, name.hasPrefix("kinesis:"),
                          (source["expires_at"]?.int64 ?? 0) > WallClock.nowMillis() else { continue }
                    owners[name] = source["owner"]?.string ?? ""
                }
                return owners
            }
            let shared = try await eventually(seconds: 90, watching: alpha) {
                let owners = try await shardOwners()
                return owners.count == 4 && Set(owners.values) == ["alpha", "bravo"]
            }
            let ownersAtStart = try await shardOwners()
            #expect(shared, "\(ownersAtStart)\n\(alpha.stderr.suffix(2000))")
            try await putBatch("both running")
            let first = try await eventually(seconds: 60) { try await stored(rig, group).count == expected }
            #expect(first, "\(alpha.stderr.suffix(2000))\n\(bravo.stderr.suffix(2000))")

            bravo.signal(SIGKILL)
            _ = await bravo.waitForExit(seconds: 10)
            try await putBatch("bravo killed")
            let takenOver = try await eventually(seconds: 120, watching: alpha) {
                let owners = try await shardOwners()
                return owners.count == 4 && owners.values.allSatisfy { $0 == "alpha" }
            }
            let ownersAfter = try await shardOwners()
            #expect(takenOver, "\(ownersAfter)\n\(alpha.stderr.suffix(3000))")
            try await putBatch("after the takeover")
            let complete = try await eventually(seconds: 90, watching: alpha) { try await stored(rig, group).count >= expected }
            let (count, distinct) = try await stored(rig, group)
            #expect(complete && count == expected && distinct == expected, "count \(count), distinct \(distinct), expected \(expected)\n\(alpha.stderr.suffix(3000))")
            alpha.signal(SIGTERM)
            #expect(await alpha.waitForExit(seconds: 40) == 0)
        }
    }

    /// Verification keeps comparing a subscribed group with CloudWatch: events CloudWatch
    /// never delivered (its subscription filter was removed for a while) are found and
    /// shipped, and the group is still not polled.
    @Test func eventsTheSubscriptionNeverDeliveredAreFoundByVerificationAndShipped() async throws {
        try await Rig.with { rig in
            let group = "/sub/verified"
            _ = try await rig.helper(["subscribe", "--endpoint", rig.cloudWatchURL, "--group", group, "--stream", "cwl-verified", "--shards", "1"])
            var environment = environment(rig, groups: [group], stream: "cwl-verified", state: "state")
            environment["RECONCILE_INTERVAL_SECS"] = "5"
            environment["TAIL_MIN_OVERLAP_SECS"] = "5"
            try await rig.put(group: group, stampedAtSend: (0..<20).map { (EpochMillis($0), "delivered \($0)", "a") })
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            let delivered = try await eventually(seconds: 60, watching: daemon) { try await stored(rig, group).count == 20 }
            #expect(delivered, "\(daemon.stderr.suffix(3000))")

            // The filter is removed; events keep reaching CloudWatch but not the stream.
            let logs = rig.cloudWatchClient()
            _ = try await logs.callRaw("DeleteSubscriptionFilter", ["logGroupName": .string(group), "filterName": "logstream"])
            try await rig.put(group: group, stampedAtSend: (0..<15).map { (EpochMillis($0), "never delivered \($0)", "b") })
            let repaired = try await eventually(seconds: 120, watching: daemon) { try await stored(rig, group).count >= 35 }
            let (count, distinct) = try await stored(rig, group)
            #expect(repaired && count == 35 && distinct == 35, "count \(count), distinct \(distinct)\n\(daemon.stderr.suffix(3000))")
            let metrics = rig.directory + "/state/metrics.prom"
            let counted = await eventually(seconds: 30) { (metric(metrics, #"logstream_reconcile_reshipped_total{group="\#(group)"}"#) ?? 0) >= 15 }
            #expect(counted, "\((try? String(contentsOfFile: metrics, encoding: .utf8)) ?? "no metrics")")
            #expect(metric(metrics, #"logstream_cloudwatch_events_read{purpose="tail"}"#) == 0, "the subscribed group was polled")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 40) == 0)
        }
    }

    /// KINESIS_START=latest skips what the stream held before the first start, and only that:
    /// the children of a later split are read from their start.
    @Test func withKinesisStartLatestAChildShardIsStillReadFromItsStart() async throws {
        try await Rig.with { rig in
            let group = "/sub/latest"
            _ = try await rig.helper(["subscribe", "--endpoint", rig.cloudWatchURL, "--group", group, "--stream", "cwl-latest", "--shards", "1"])
            var environment = environment(rig, groups: [group], stream: "cwl-latest", state: "state")
            environment["KINESIS_START"] = "latest"
            try await rig.put(group: group, stampedAtSend: (0..<10).map { (EpochMillis($0), "before the first start \($0)", "old") })
            let daemon = try BackgroundProcess(ProjectPaths.binary, ["tail", "--follow"], environment: environment)
            // Reading from the end once its first read came back.
            let reading = await eventually(seconds: 60, watching: daemon) {
                (try? shardCheckpoints(rig.directory + "/state/cp.json"))?.values.contains { $0["caught_up_at"] != nil } ?? false
            }
            #expect(reading, "\(daemon.stderr.suffix(2000))")
            try await rig.put(group: group, stampedAtSend: (0..<20).map { (EpochMillis($0), "after the start \($0)", "a") })
            let started = try await eventually(seconds: 60, watching: daemon) { try await stored(rig, group).count >= 20 }
            #expect(started, "\(daemon.stderr.suffix(2000))")

            _ = try await rig.helper(["split", "--endpoint", rig.cloudWatchURL, "--stream", "cwl-latest"])
            for batch in 0..<4 {
                try await rig.put(group: group, stampedAtSend: (0..<25).map { (EpochMillis($0), "after the split \(batch)-\($0)", "b\(batch)") })
            }
            let complete = try await eventually(seconds: 90, watching: daemon) { try await stored(rig, group).count >= 120 }
            try await Task.sleep(nanoseconds: 2_000_000_000)
            let (count, distinct) = try await stored(rig, group)
            #expect(complete && count == 120 && distinct == 120, "count \(count), distinct \(distinct) (120: all but the 10 from before the first start)\n\(daemon.stderr.suffix(3000))")
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(seconds: 40) == 0)
        }
    }
}
