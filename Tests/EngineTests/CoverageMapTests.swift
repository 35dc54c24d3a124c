import Testing
@testable import Engine

/// Cells from what a reconcile run recorded.
@Suite struct CoverageMapTests {
    let hour = EpochMillis(WallClock.millisPerHour)
    let base: EpochMillis = 1_700_000_000_000 / WallClock.millisPerDay * WallClock.millisPerDay

    func hours(_ count: Int) -> [EpochMillis] { (0..<count).map { base + EpochMillis($0) * hour } }

    /// A range that starts and ends inside an hour, split into windows whose edges fall
    /// inside hours too: the partial hours compare like whole ones (this once showed every
    /// window edge as differing).
    @Test func partialHoursAtWindowEdgesAreComparedLikeWholeOnes() {
        var report = ReconcileReport(group: "/g", range: TimeRange(start: base + 21 * 60_000, end: base + 5 * hour + 19 * 60_000))
        for start in hours(6) {
            report.cloudWatchPerHour[start] = 30
            report.elasticsearchPerHour[start] = 30
        }
        let map = CoverageMap(reports: [report])
        #expect(map.cellMillis == hour)
        #expect(map.rows[0].cells.map(\.state) == Array(repeating: .verified, count: 6))
    }

    @Test func statesFollowCountsRepairsAndTheSeasonalModel() {
        var report = ReconcileReport(group: "/g", range: TimeRange(start: base, end: base + 4 * hour))
        for start in hours(4) { report.cloudWatchPerHour[start] = 40; report.elasticsearchPerHour[start] = 40 }
        report.elasticsearchPerHour[base + hour] = 25
        report.cloudWatchPerHour[base + 2 * hour] = 0
        report.elasticsearchPerHour[base + 2 * hour] = 0
        report.silentHours = [base + 2 * hour]
        var discrepancy = WindowDiscrepancy(range: TimeRange(start: base + hour + 60_000, end: base + hour + 120_000),
                                            cloudWatch: WindowSummary(count: 15), elasticsearch: WindowSummary(count: 0))
        discrepancy.resolved = true
        report.discrepancies = [discrepancy]
        #expect(CoverageMap(reports: [report]).rows[0].cells.map(\.state) == [.verified, .repaired, .silent, .verified])
        report.dryRun = true
        #expect(CoverageMap(reports: [report]).rows[0].cells.map(\.state) == [.verified, .differing, .silent, .verified])
        report.stoppedEarly = true
        report.cloudWatchPerHour[base + 3 * hour] = nil
        #expect(CoverageMap(reports: [report]).rows[0].cells[3].state == .unverified)
    }

    @Test func longRangesAreDrawnDayByDayWithTheWorstStateOfEachDay() {
        var report = ReconcileReport(group: "/g", range: TimeRange(start: base, end: base + 5 * WallClock.millisPerDay))
        for start in hours(5 * 24) { report.cloudWatchPerHour[start] = 1; report.elasticsearchPerHour[start] = 1 }
        report.elasticsearchPerHour[base + 30 * hour] = 0
        report.dryRun = true
        let map = CoverageMap(reports: [report])
        #expect(map.cellMillis == WallClock.millisPerDay)
        #expect(map.rows[0].cells.map(\.state) == [.verified, .differing, .verified, .verified, .verified])
        #expect(map.rows[0].cells[1].cloudWatch == 24 && map.rows[0].cells[1].elasticsearch == 23)
    }
}
