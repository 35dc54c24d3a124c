import Testing
import TestSupport
@testable import Engine

@Suite struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(951_782_400_123), "2000-02-29T00:00:00.123Z"),
        (Int64(1_700_000_000_999), "2023-11-14T22:13:20.999Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(4_102_444_800_000), "2100-01-01T00:00:00.000Z"),
    ])
    func formatsUTCWithMilliseconds(millis: Int64, text: String) {
        #expect(Timestamp.format(millis) == text)
        #expect(Timestamp.parse(text) == millis)
    }

    @Test func theDayCacheWritesWhatFormatDoesAcrossDaysAndBeforeTheEpoch() {
        var cache = Timestamp.DayCache()
        var generator = SeededGenerator()
        // Runs within a day, jumps between days, the epoch, leap days, far past and future.
        var samples: [Int64] = [0, -1, -86_400_000, 86_399_999, 86_400_000, 951_782_400_123, 951_868_799_999, 4_102_444_800_000]
        for _ in 0..<2000 { samples.append(Int64.random(in: 1_700_000_000_000...1_700_000_000_000 + 3 * 86_400_000, using: &generator)) }
        for _ in 0..<500 { samples.append(Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator)) }
        for millis in samples {
            var written: [UInt8] = []
            cache.append(millis, to: &written)
            #expect(String(decoding: written, as: UTF8.self) == Timestamp.format(millis), "at \(millis), \(generator)")
        }
    }

    @Test func parsesOffsetsDatesAndFractions() {
        #expect(Timestamp.parse("2024-05-01") == 1_714_521_600_000)
        #expect(Timestamp.parse("2024-05-01T02:00:00+02:00") == 1_714_521_600_000)
        #expect(Timestamp.parse("2024-05-01T00:00:00.5Z") == 1_714_521_600_500)
        #expect(Timestamp.parse("2024-05-01 00:00:00Z") == 1_714_521_600_000)
    }

    @Test(arguments: ["2024-13-01", "2024-05-01T25:00:00Z", "2024-05-01T00:00:00", "yesterday", "2024-05-01T00:00:00Zjunk"])
    func rejectsInvalidTimes(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func relativeTimesCountBackFromNow() {
        let now: EpochMillis = 1_000_000_000_000
        #expect(TimeExpression.parse("36h", now: now) == now - 36 * 3_600_000)
        #expect(TimeExpression.parse("7d", now: now) == now - 7 * 86_400_000)
        #expect(TimeExpression.parse("2w", now: now) == now - 14 * 86_400_000)
        #expect(TimeExpression.parse("now", now: now) == now)
        #expect(TimeExpression.parse("7x", now: now) == nil)
    }
}
