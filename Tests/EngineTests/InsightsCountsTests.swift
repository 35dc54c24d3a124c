import Testing
@testable import Engine

@Suite struct InsightsCountsTests {
    @Test func theQueryFiltersOnExactMillisecondsAndBinsByMinute() {
        let query = InsightsCounts.query(range: TimeRange(start: 1_714_521_600_500, end: 1_714_608_000_250))
        #expect(query == "filter 1714521600500 <= toMillis(@timestamp) and toMillis(@timestamp) < 1714608000250 | stats count(*) as events by bin(1m)")
    }

    @Test func readsTheRowsAWSReturns() throws {
        let answer = try JSONParser().parse(Array("""
            {"status":"Complete","statistics":{"recordsMatched":45.0,"recordsScanned":45.0,"bytesScanned":900.0},
             "results":[[{"field":"bin(1m)","value":"2024-05-01 00:01:00.000"},{"field":"events","value":"42"}],
                        [{"field":"bin(1m)","value":"2024-05-01 23:59:00.000"},{"field":"events","value":"3"}]]}
            """.utf8))
        let counts = try #require(InsightsCounts.parse(answer))
        #expect(counts == [1_714_521_660_000: 42, 1_714_607_940_000: 3])
    }

    @Test func noRowsMeansNoEvents() throws {
        #expect(InsightsCounts.parse(try JSONParser().parse(Array(#"{"status":"Complete","results":[]}"#.utf8))) == [:])
    }

    @Test func rowsWithoutCountsAreNotMistakenForCounts() throws {
        // What an emulator that ignores `stats` returns: one row per event.
        let answer = try JSONParser().parse(Array(#"{"status":"Complete","results":[[{"field":"@ptr","value":"abc"}]]}"#.utf8))
        #expect(InsightsCounts.parse(answer) == nil)
    }

    @Test func countsOnlySummariesCompareCountsAlone() {
        let summaries = MinuteSummaries(counts: [60_000: 2, 120_000: 1])
        let window = TimeRange(start: 60_000, end: 180_000)
        #expect(summaries.matches(WindowSummary(count: 3, hashSum: 12345), in: window))
        #expect(!summaries.matches(WindowSummary(count: 2, hashSum: 0), in: window))
        var exact = MinuteSummaries()
        exact.add(timestamp: 60_001, checksum: 7)
        #expect(!exact.matches(WindowSummary(count: 1, hashSum: 8), in: window))
        #expect(exact.matches(WindowSummary(count: 1, hashSum: 7), in: window))
    }
}
