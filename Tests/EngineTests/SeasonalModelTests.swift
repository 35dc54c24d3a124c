import Foundation
import Testing
@testable import Engine

@Suite struct SeasonalModelTests {
    let hour: EpochMillis = 3_600_000
    let day = WallClock.millisPerDay
    /// Monday 2024-05-06 00:00 UTC.
    let monday: EpochMillis = 1_714_953_600_000

    /// Busy working hours (9–17: 600/h), quiet nights (5/h); weekends a tenth of that.
    func usual(_ start: EpochMillis) -> Int {
        let hourOfDay = Int((start % day) / hour)
        let weekday = Int(((start - monday) / day) % 7)
        let base = (9..<17).contains(hourOfDay) ? 600 : 5
        return weekday >= 5 ? base / 10 : base
    }

    func learned(days: Int) -> SeasonalModel {
        var model = SeasonalModel()
        for index in 0..<(days * 24) {
            let start = monday + EpochMillis(index) * hour
            model.record(hour: start, count: usual(start))
        }
        return model
    }

    @Test func learnsTheDailyCycle() throws {
        let model = learned(days: 5)
        let afternoon = try #require(model.expectation(at: monday + 7 * day + 14 * hour))
        let night = try #require(model.expectation(at: monday + 7 * day + 3 * hour))
        #expect(afternoon.mean > 400)
        #expect(night.mean < 60)
        #expect(model.emptyIsPlausible(at: monday + 7 * day + 3 * hour))
        #expect(!model.emptyIsPlausible(at: monday + 7 * day + 14 * hour))
    }

    @Test func withTwoWeeksItKnowsWeekendsAreQuiet() throws {
        let model = learned(days: 21)
        let saturdayAfternoon = try #require(model.expectation(at: monday + 26 * day + 14 * hour))
        let mondayAfternoon = try #require(model.expectation(at: monday + 28 * day + 14 * hour))
        #expect(saturdayAfternoon.mean < 150)
        #expect(mondayAfternoon.mean > 400)
        #expect(model.shortfall(60, at: monday + 26 * day + 14 * hour) < 3)
    }

    @Test func knowsNothingBeforeADayOfHours() {
        #expect(learned(days: 0).expectation(at: monday) == nil)
        var model = SeasonalModel()
        for index in 0..<10 { model.record(hour: monday + EpochMillis(index) * hour, count: 100) }
        #expect(model.expectation(at: monday + day) == nil)
        #expect(model.emptyIsPlausible(at: monday + day))
    }

    @Test func theDayWithAHoleIsTheMostSuspicious() {
        let model = learned(days: 21)
        var elasticsearch: [EpochMillis: Int] = [:]
        var hours: [EpochMillis] = []
        for index in (14 * 24)..<(21 * 24) {
            let start = monday + EpochMillis(index) * hour
            hours.append(start)
            elasticsearch[start] = usual(start)
        }
        // Wednesday of the third week lost its afternoon; Thursday lost one hour.
        let wednesday = monday + 16 * day
        for hourOfDay in 12..<16 { elasticsearch[wednesday + EpochMillis(hourOfDay) * hour] = 0 }
        elasticsearch[monday + 17 * day + 11 * hour] = 0
        let ranked = model.suspiciousDays(elasticsearch, hours: hours)
        #expect(ranked.first?.day == wednesday)
        #expect(ranked.count == 2)
        #expect(ranked.allSatisfy { $0.day != monday + 19 * day })
    }

    @Test func keepsEightWeeksAndSurvivesAReload() async throws {
        var model = SeasonalModel()
        for index in 0..<(70 * 24) { model.record(hour: monday + EpochMillis(index) * hour, count: 1) }
        #expect(model.hourly.count <= 56 * 24 + 1)
        let path = NSTemporaryDirectory() + "seasonal-\(UUID().uuidString).json"
        let models = SeasonalModels(path: path)
        await models.record("/g", hourly: [monday: 7, monday + hour: 9])
        try await models.save()
        #expect(await SeasonalModels(path: path).model("/g").hourly == [monday: 7, monday + hour: 9])
    }

    @Test func reconcileSeesWholeHoursOnly() {
        var summaries = MinuteSummaries()
        summaries.add(timestamp: monday + 10 * 60_000, checksum: 1)
        summaries.add(timestamp: monday + hour + 5, checksum: 1)
        summaries.add(timestamp: monday + 2 * hour + 30 * 60_000, checksum: 1)
        let hourly = summaries.hourly(within: TimeRange(start: monday + 1, end: monday + 2 * hour + 45 * 60_000))
        #expect(hourly == [monday + hour: 1])
    }
}
