/// Per-minute event counts from CloudWatch Logs Insights: one query per window instead of
/// reading every event, which matters for wide ranges. Counts only — Insights cannot
/// compute logstream's id checksum — so windows that differ are still compared event by
/// event afterwards.
///
/// StartQuery takes whole seconds (both ends inclusive), so the query itself filters on
/// `toMillis(@timestamp)` with the exact millisecond bounds: an event in the first or last
/// second of a window is counted in that window only.
struct InsightsCounts: Sendable {
    let source: CloudWatchLogsClient
    /// How long to wait for a query before giving up on it.
    var timeoutSeconds: Double = 600

    static let countField = "events"

    static func query(range: TimeRange) -> String {
        "filter \(range.start) <= toMillis(@timestamp) and toMillis(@timestamp) < \(range.end) | stats count(*) as \(countField) by bin(1m)"
    }

    /// Events per minute of `range` (minutes without events are absent); nil when the
    /// service answered, but not with counts (an emulator that ignores `stats`, say).
    func minuteCounts(group key: GroupKey, range: TimeRange, priority: Priority = .normal) async throws -> [EpochMillis: Int]? {
        let (source, group) = self.source.route(key)
        let request: JSONValue = [
            "logGroupName": .string(group),
            "startTime": .int(Self.floorDiv(range.start, 1000)),
            "endTime": .int(Self.floorDiv(range.end + 999, 1000)),
            "queryString": .string(Self.query(range: range)),
            "limit": 10_000,
        ]
        let started = try await source.call("StartQuery", request, logGroup: group, priority: priority)
        guard let queryId = started["queryId"]?.string else {
            throw CloudWatchError(operation: "StartQuery", code: "MissingQueryId", message: "the answer carried no queryId", status: 200, logGroup: group)
        }
        let deadline = WallClock.monotonicSeconds() + timeoutSeconds
        var wait = 0.2
        while true {
            let answer = try await source.call("GetQueryResults", ["queryId": .string(queryId)], logGroup: group, priority: priority)
            switch answer["status"]?.string {
            case "Complete":
                return Self.parse(answer)
            case "Failed", "Cancelled", "Timeout":
                throw CloudWatchError(operation: "GetQueryResults", code: "Query\(answer["status"]?.string ?? "")",
                                      message: "the Logs Insights count query ended as \(answer["status"]?.string ?? "?")", status: 200, logGroup: group)
            default:
                guard WallClock.monotonicSeconds() + wait < deadline else {
                    _ = try? await source.call("StopQuery", ["queryId": .string(queryId)], logGroup: group, priority: priority)
                    throw CloudWatchError(operation: "GetQueryResults", code: "QueryTimeout",
                                          message: "the Logs Insights count query did not finish within \(Int(timeoutSeconds)) s", status: 200, logGroup: group)
                }
                try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
                wait = min(wait * 2, 5)
            }
        }
    }

    /// Reads `[[{"field":"bin(1m)","value":"2024-05-01 00:01:00.000"},{"field":"events","value":"42"}], …]`.
    static func parse(_ answer: JSONValue) -> [EpochMillis: Int]? {
        var counts: [EpochMillis: Int] = [:]
        for row in answer["results"]?.array ?? [] {
            var minute: EpochMillis?
            var count: Int?
            for cell in row.array ?? [] {
                guard let field = cell["field"]?.string, let value = cell["value"]?.string else { continue }
                if field.hasPrefix("bin(") {
                    minute = parseTime(value)
                } else if field == countField {
                    count = Int(value)
                }
            }
            guard let minute, let count else { return nil }
            counts[minute, default: 0] += count
        }
        return counts
    }

    /// Insights writes bins as `2024-05-01 00:01:00.000` (UTC); epoch milliseconds are accepted too.
    static func parseTime(_ text: String) -> EpochMillis? {
        if let millis = EpochMillis(text) { return millis }
        return Timestamp.parse(text.hasSuffix("Z") ? text : text + "Z")
    }

    private static func floorDiv(_ value: EpochMillis, _ divisor: EpochMillis) -> EpochMillis {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }
}
