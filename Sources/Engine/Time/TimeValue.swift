/// Elasticsearch time values (`500ms`, `30s`, `5m`, `12h`, `30d`, down to `nanos`): the one
/// parser for settings, refresh intervals and the retention a cluster reports.
enum TimeValue {
    private static let units: [(suffix: String, millis: Double)] = [
        ("nanos", 1e-6), ("micros", 1e-3), ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// The value in milliseconds; nil for `-1` (never) and for what is not a time value.
    /// `wholeOnly`: the amount must be a whole number, as logstream's own settings are.
    static func millis(_ text: String, wholeOnly: Bool = false) -> Double? {
        let value = text.trimmingCharacters(in: .whitespaces)
        for unit in units where value.hasSuffix(unit.suffix) {
            let amount = value.dropLast(unit.suffix.count)
            guard !amount.isEmpty, !wholeOnly || amount.allSatisfy(\.isNumber), let number = Double(amount), number >= 0 else { continue }
            return number * unit.millis
        }
        return nil
    }
}
