/// Keeps Kibana's Discover live where it matters and indexing cheap where it does not:
/// a backing index whose newest `@timestamp` is within ES_COLD_AGE_DAYS refreshes every
/// ES_HOT_REFRESH_INTERVAL, older ones every ES_COLD_REFRESH_INTERVAL. Only the indices
/// behind the groups' versioned targets are touched, and only when their setting differs —
/// never those of a neighbouring deployment whose prefix is nested in this one's.
public struct RefreshTuner: Sendable {
    public struct Decision: Sendable, Equatable {
        public var index: String
        /// Newest `@timestamp` in the index.
        public var newest: EpochMillis
        public var hot: Bool
        /// The index's `refresh_interval` now (nil: the cluster default).
        public var current: String?
        public var target: String
        public var changes: Bool { current != target }
    }

    let client: ElasticsearchClient
    let layout: IndexLayout
    let hotInterval: String
    let coldInterval: String
    let coldAgeDays: Int

    /// On Elastic Cloud Serverless, intervals below its minimum (5 s) are raised to it:
    /// it refuses them, and would refuse them again every tuning cycle.
    init(client: ElasticsearchClient, layout: IndexLayout, hotInterval: String, coldInterval: String, coldAgeDays: Int,
                cluster: ClusterInfo = ClusterInfo(root: .null)) {
        self.client = client
        self.layout = layout
        self.hotInterval = cluster.isServerless ? Self.atLeast(ClusterInfo.serverlessMinimumRefreshSeconds, hotInterval) : hotInterval
        self.coldInterval = cluster.isServerless ? Self.atLeast(ClusterInfo.serverlessMinimumRefreshSeconds, coldInterval) : coldInterval
        self.coldAgeDays = coldAgeDays
    }

    /// `interval`, or `seconds` when it is a shorter positive time (`-1`, never, is kept).
    static func atLeast(_ seconds: Double, _ interval: String) -> String {
        guard let millis = TimeValue.millis(interval), millis < seconds * 1000 else { return interval }
        return "\(Int(seconds.rounded(.up)))s"
    }

    /// What each managed index should have, from one aggregation and one settings read.
    func plan(now: EpochMillis = WallClock.nowMillis()) async throws -> [Decision] {
        let neighbours = try await LogstreamTemplates.neighbours(of: layout, client)
        let newest = try await newestPerIndex(excluding: neighbours)
        guard !newest.isEmpty else { return [] }
        let current = try await refreshIntervals(excluding: neighbours)
        let coldBefore = now - EpochMillis(coldAgeDays) * WallClock.millisPerDay
        return newest.keys.sorted().map { index in
            let hot = newest[index]! >= coldBefore
            return Decision(index: index, newest: newest[index]!, hot: hot, current: current[index], target: hot ? hotInterval : coldInterval)
        }
    }

    /// Applies the decisions that change something; returns how many were applied.
    @discardableResult
    func apply(_ decisions: [Decision]) async throws -> Int {
        var applied = 0
        for decision in decisions where decision.changes {
            try await client.json("PUT", "/\(decision.index)/_settings", ["index": ["refresh_interval": .string(decision.target)]])
            Log.info("refresh interval set", ("index", decision.index), ("refresh_interval", decision.target),
                     ("was", decision.current ?? "default"), ("state", decision.hot ? "hot" : "cold"))
            applied += 1
        }
        return applied
    }

    /// Whether logstream manages `index`: a `-v1`/`-v2` target, or a data stream's backing index of one.
    func manages(_ index: String, excluding neighbours: [String] = []) -> Bool {
        if index.hasPrefix(".fs-") { return false }
        let name = BackingIndexName(index)?.dataStream ?? index
        return layout.owns(name, excluding: neighbours) && (name.hasSuffix("-v1") || name.hasSuffix("-v2"))
    }

    private func newestPerIndex(excluding neighbours: [String]) async throws -> [String: EpochMillis] {
        let response = try await client.json("POST", "/\(layout.ownPattern(excluding: neighbours))/_search?ignore_unavailable=true&allow_no_indices=true", [
            "size": 0,
            "aggs": ["indices": ["terms": ["field": "_index", "size": 10_000], "aggs": ["newest": ["max": ["field": .string(DocumentSchema.timestamp)]]]]],
        ])
        var newest: [String: EpochMillis] = [:]
        for bucket in response["aggregations"]?["indices"]?["buckets"]?.array ?? [] {
            guard let index = bucket["key"]?.string, manages(index, excluding: neighbours), let value = bucket["newest"]?["value"]?.double else { continue }
            newest[index] = EpochMillis(value)
        }
        return newest
    }

    private func refreshIntervals(excluding neighbours: [String]) async throws -> [String: String] {
        let response = try await client.json("GET", "/\(layout.ownPattern(excluding: neighbours))/_settings?flat_settings=true&expand_wildcards=all")
        var intervals: [String: String] = [:]
        for member in response.members ?? [] {
            if let value = member.value["settings"]?["index.refresh_interval"]?.string { intervals[member.key] = value }
        }
        return intervals
    }
}
