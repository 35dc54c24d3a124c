/// What the daemon has done and how it stands, kept as counters and gauges and written
/// in the Prometheus text format (for node_exporter's textfile collector or any scraper
/// that reads files).
actor Metrics {
    private struct Key: Hashable, Comparable {
        var name: String
        var labels: [String]

        static func < (lhs: Key, rhs: Key) -> Bool {
            lhs.name != rhs.name ? lhs.name < rhs.name : lhs.labels.joined(separator: ",") < rhs.labels.joined(separator: ",")
        }
    }

    private struct Family {
        var help: String
        var type: String
    }

    private var values: [Key: Double] = [:]
    private var families: [String: Family] = [:]

    init() {}

    func add(_ name: String, _ amount: Double = 1, labels: [(String, String)] = [], help: String) {
        let key = Self.key(name, labels)
        families[name] = families[name] ?? Family(help: help, type: "counter")
        values[key, default: 0] += amount
    }

    func set(_ name: String, _ value: Double, labels: [(String, String)] = [], help: String) {
        families[name] = families[name] ?? Family(help: help, type: "gauge")
        values[Self.key(name, labels)] = value
    }

    func value(_ name: String, labels: [(String, String)] = []) -> Double? {
        values[Self.key(name, labels)]
    }

    /// The exposition text: `# HELP`, `# TYPE`, then one sample per label set.
    func render() -> String {
        var text = ""
        var current = ""
        for key in values.keys.sorted() {
            if key.name != current {
                current = key.name
                let family = families[key.name] ?? Family(help: key.name, type: "gauge")
                text += "# HELP \(key.name) \(family.help)\n# TYPE \(key.name) \(family.type)\n"
            }
            let labels = key.labels.isEmpty ? "" : "{" + key.labels.joined(separator: ",") + "}"
            text += "\(key.name)\(labels) \(Self.format(values[key]!))\n"
        }
        return text
    }

    private static func key(_ name: String, _ labels: [(String, String)]) -> Key {
        Key(name: name, labels: labels.map { "\($0.0)=\"\(escape($0.1))\"" })
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
