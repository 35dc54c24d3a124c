import Engine

/// `--days`, `--since` and `--until` to a time range, validated.
enum TimeRangeOptions {
    static func range(_ invocation: Invocation, defaultDays: Int, now: EpochMillis = WallClock.nowMillis()) throws -> TimeRange {
        func time(_ option: OptionSpec) throws -> EpochMillis? {
            guard let text = invocation.value(option) else { return nil }
            guard let value = TimeExpression.parse(text, now: now) else {
                throw UsageError(message: "invalid --\(option.long) '\(text)': use RFC 3339 (2024-05-01T00:00:00Z or 2024-05-01) or an age such as 36h or 7d", commandPath: invocation.path)
            }
            return value
        }
        if invocation.value(.days) != nil && invocation.value(.since) != nil {
            throw UsageError(message: "--days and --since both set the start of the range; use one", commandPath: invocation.path)
        }
        let end = try time(.until) ?? now
        let start = try time(.since) ?? (end - EpochMillis(defaultDays) * WallClock.millisPerDay)
        guard start < end else {
            throw UsageError(message: "the range is empty: start \(Timestamp.format(start)) is not before end \(Timestamp.format(end))", commandPath: invocation.path)
        }
        return TimeRange(start: start, end: end)
    }
}
