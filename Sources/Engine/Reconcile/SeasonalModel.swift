import Foundation

/// What a group's event volume normally looks like, learned from CloudWatch's own hourly
/// counts (reconciliation sees them as it goes): a kernel regression over the hour of the
/// day, the day of the week once two weeks are known, and a four-week cycle once eight
/// are, with older observations weighing less. It answers "how many events would this
/// hour usually have?" — so reconciliation can look first where Elasticsearch holds far
/// fewer than expected, and can tell a quiet Sunday night from a hole.
struct SeasonalModel: Sendable, Equatable {
    /// Hour start (epoch ms) → events CloudWatch had in that hour.
    private(set) var hourly: [EpochMillis: Int] = [:]
    /// Only this much history is kept: enough for the four-week cycle twice over.
    static let keepMillis: EpochMillis = 56 * WallClock.millisPerDay
    static let hour = WallClock.millisPerHour

    init(hourly: [EpochMillis: Int] = [:]) {
        self.hourly = hourly
    }

    mutating func record(hour start: EpochMillis, count: Int) {
        record([start: count])
    }

    /// Records hours (start → events), then forgets what is older than `keepMillis`
    /// before the newest: once per batch, not once per hour.
    mutating func record(_ hours: [EpochMillis: Int]) {
        for (start, count) in hours { hourly[Self.hourStart(start)] = count }
        if let newest = hourly.keys.max() {
            hourly = hourly.filter { $0.key >= newest - Self.keepMillis }
        }
    }

    struct Expectation: Sendable, Equatable {
        var mean: Double
        /// Weighted standard deviation of comparable hours.
        var spread: Double
    }

    /// The usual count for the hour starting at `start`; nil until a day of hours is known.
    func expectation(at start: EpochMillis) -> Expectation? {
        guard hourly.count >= 24, let newest = hourly.keys.max(), let oldest = hourly.keys.min() else { return nil }
        let span = newest - oldest
        let weekly = span >= 14 * WallClock.millisPerDay
        let monthly = span >= 56 * WallClock.millisPerDay - Self.hour
        let target = Self.hourStart(start)
        var weightSum = 0.0
        var valueSum = 0.0
        var squareSum = 0.0
        for (hour, count) in hourly where hour != target {
            var distance = Self.cyclic(hour, target, period: WallClock.millisPerDay, bandwidth: 1.5 * Double(Self.hour))
            if weekly { distance += Self.cyclic(hour, target, period: 7 * WallClock.millisPerDay, bandwidth: 0.6 * Double(WallClock.millisPerDay)) }
            if monthly { distance += Self.cyclic(hour, target, period: 28 * WallClock.millisPerDay, bandwidth: 4 * Double(WallClock.millisPerDay)) }
            let ageDays = Double(abs(target - hour)) / Double(WallClock.millisPerDay)
            let weight = exp(-distance / 2) * pow(2, -ageDays / 30)
            guard weight > 1e-9 else { continue }
            weightSum += weight
            valueSum += weight * Double(count)
            squareSum += weight * Double(count) * Double(count)
        }
        guard weightSum > 1e-6 else { return nil }
        let mean = valueSum / weightSum
        return Expectation(mean: mean, spread: max(0, squareSum / weightSum - mean * mean).squareRoot())
    }

    /// How far below the usual `count` is, in units of what is normal variation for such an
    /// hour (at least the Poisson noise of its mean); 0 when it is not below at all.
    func shortfall(_ count: Int, at start: EpochMillis) -> Double {
        guard let expected = expectation(at: start), Double(count) < expected.mean else { return 0 }
        let noise = max(expected.spread, expected.mean.squareRoot(), 1)
        return (expected.mean - Double(count)) / noise
    }

    /// Whether an hour without events is believable (a quiet night), or suspicious.
    func emptyIsPlausible(at start: EpochMillis) -> Bool {
        shortfall(0, at: start) < 3
    }

    static func hourStart(_ millis: EpochMillis) -> EpochMillis {
        (millis >= 0 ? millis : millis - hour + 1) / hour * hour
    }

    /// Squared distance of two times on a cycle, in bandwidths.
    static func cyclic(_ a: EpochMillis, _ b: EpochMillis, period: EpochMillis, bandwidth: Double) -> Double {
        let difference = abs((a - b) % period)
        let shortest = Double(min(difference, period - difference))
        return (shortest / bandwidth) * (shortest / bandwidth)
    }

    /// Days of `elasticsearchHourly` (hour start → documents) ordered by how much they fall
    /// short of the model, most suspicious first; days without a shortfall are left out.
    func suspiciousDays(_ elasticsearchHourly: [EpochMillis: Int], hours: [EpochMillis]) -> [(day: EpochMillis, score: Double)] {
        var byDay: [EpochMillis: Double] = [:]
        for hour in hours {
            let score = shortfall(elasticsearchHourly[hour] ?? 0, at: hour)
            if score >= 3 { byDay[hour / WallClock.millisPerDay * WallClock.millisPerDay, default: 0] += score }
        }
        return byDay.map { ($0.key, $0.value) }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.day > $1.day }
    }
}

/// The models of every group, kept next to the checkpoint file (`seasonal.json`).
actor SeasonalModels {
    let path: String
    private var models: [String: SeasonalModel] = [:]

    init(path: String) {
        self.path = path
        if let bytes = try? FileIO.read(path: path), let json = try? JSONParser().parse(bytes) {
            for group in json["groups"]?.members ?? [] {
                var hourly: [EpochMillis: Int] = [:]
                for pair in group.value.array ?? [] {
                    if let hour = pair[0]?.int64, let count = pair[1]?.int { hourly[hour] = count }
                }
                models[group.key] = SeasonalModel(hourly: hourly)
            }
        }
        // A missing or unreadable file only means learning again; it holds no data.
    }

    func model(_ group: String) -> SeasonalModel { models[group] ?? SeasonalModel() }

    func record(_ group: String, hourly: [EpochMillis: Int]) {
        models[group, default: SeasonalModel()].record(hourly)
    }

    func save() throws {
        let groups: [JSONMember] = models.keys.sorted().map { name in
            JSONMember(name, .array(models[name]!.hourly.keys.sorted().map { [.int($0), .int(models[name]!.hourly[$0]!)] }))
        }
        try FileIO.replaceAtomically(path: path, with: JSONValue.object([JSONMember("groups", .object(groups))]).serialized)
    }
}
