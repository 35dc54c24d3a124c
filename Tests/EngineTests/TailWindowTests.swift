import Testing
@testable import Engine

@Suite struct TailWindowTests {
    let window = TailWindow(minOverlap: 60_000, maxOverlap: 900_000)

    func group(_ streams: [String: StreamCursor]) -> CheckpointState.Group {
        CheckpointState.Group(streams: streams)
    }

    @Test func aGroupNeverTailedHasNoPlan() {
        #expect(window.plan(for: group([:])) == nil)
    }

    /// A punctual stream: every pass reads a few seconds back, a sweep the least window.
    @Test func punctualStreamsAreReadJustBehindTheNewestEventAndSweptOverTheMinimum() throws {
        let state = group(["a": StreamCursor(lastTimestamp: 1_000_000, lastIngestion: 1_000_500, lagMillis: 500)])
        let plan = try #require(window.plan(for: state))
        #expect(plan.start == 1_000_000 - (2 * 500 + TailWindow.quickMargin))
        #expect(plan.sweep == TailWindow.Reach(start: 940_000, overlap: 60_000) && plan.late == nil)
        // Due on the first pass, then every (window + 30 s) / 2: 45 s.
        #expect(plan.sweep.due(last: nil, now: 0) && !plan.sweep.due(last: 0, now: 44_999) && plan.sweep.due(last: 0, now: 45_000))
    }

    @Test func theWindowGrowsWithTheWorstRecentLagUpToTheMaximum() throws {
        let slow = group(["slow": StreamCursor(lastTimestamp: 9_700_000, lastIngestion: 10_000_000, lagMillis: 300_000)])
        #expect(try #require(window.plan(for: slow)).sweep == TailWindow.Reach(start: 9_700_000 - (2 * 300_000 + TailWindow.margin), overlap: 2 * 300_000 + TailWindow.margin))
        // Beside a punctual stream, the slow one is read on its own and the group's window stays the least.
        let mixed = group([
            "fast": StreamCursor(lastTimestamp: 10_000_000, lastIngestion: 10_000_100, lagMillis: 100),
            "slow": StreamCursor(lastTimestamp: 9_700_000, lastIngestion: 10_000_000, lagMillis: 300_000),
        ])
        let plan = try #require(window.plan(for: mixed))
        #expect(plan.sweep.overlap == 60_000 && plan.late == TailWindow.Late(streams: ["slow"], reach: TailWindow.Reach(start: 10_000_000 - 630_000, overlap: 630_000)))
        let hopeless = group(["x": StreamCursor(lastTimestamp: 0, lastIngestion: 10_000_000, lagMillis: 5_000_000)])
        #expect(try #require(window.plan(for: hopeless)).sweep.overlap == 900_000)
    }

    /// One stream of eleven twenty minutes late: the group is swept back one minute, that
    /// stream alone back the whole window, so the ten on-time streams' events are read about
    /// three times, not once per pass of a fifteen-minute window.
    @Test func aFewLateStreamsAreReadApartAndDoNotWidenTheGroupsWindow() throws {
        var streams: [String: StreamCursor] = [:]
        for index in 0..<10 { streams["on-time-\(index)"] = StreamCursor(lastTimestamp: 10_000_000, lastIngestion: 10_000_200, lagMillis: 200) }
        streams["batch"] = StreamCursor(lastTimestamp: 8_800_000, lastIngestion: 10_000_000, lagMillis: 1_200_000)
        let plan = try #require(window.plan(for: group(streams)))
        #expect(plan.start == 10_000_000 - (2 * 200 + TailWindow.quickMargin))
        #expect(plan.sweep == TailWindow.Reach(start: 10_000_000 - 60_000, overlap: 60_000))
        #expect(plan.late == TailWindow.Late(streams: ["batch"], reach: TailWindow.Reach(start: 10_000_000 - 900_000, overlap: 900_000)))
        // One of two: a stream that took a burst of old events beside a live one.
        let pair = try #require(window.plan(for: group(["live": streams["on-time-0"]!, "batch": streams["batch"]!])))
        #expect(pair.start == 10_000_000 - (2 * 200 + TailWindow.quickMargin) && pair.late?.streams == ["batch"])
        // Most of them late: the group is swept as a whole, as far back as the latest needs.
        for index in 0..<15 { streams["slow-\(index)"] = StreamCursor(lastTimestamp: 9_700_000, lastIngestion: 10_000_000, lagMillis: 300_000) }
        let whole = try #require(window.plan(for: group(streams)))
        #expect(whole.late == nil && whole.sweep.start == 10_000_000 - 900_000)
    }

    @Test func longQuietStreamsDoNotWidenTheWindow() throws {
        let state = group([
            "live": StreamCursor(lastTimestamp: 100_000_000, lastIngestion: 100_000_000, lagMillis: 0),
            "gone": StreamCursor(lastTimestamp: 1_000, lastIngestion: 1_000, lagMillis: 800_000),
        ])
        let plan = try #require(window.plan(for: state))
        #expect(plan.sweep.overlap == 60_000 && plan.late == nil)
    }

    @Test func clocksAheadOfIngestionDoNotPushTheStartForward() throws {
        let state = group(["ahead": StreamCursor(lastTimestamp: 5_000_000, lastIngestion: 1_000_000, lagMillis: 0)])
        #expect(try #require(window.plan(for: state)).sweep.start == EpochMillis(940_000))
    }

    @Test func progressMeasuresLagPerStreamAndForgetsOldSpikesSlowly() {
        // An hour after it was measured, a lag spike counts half; between polls, nearly whole.
        let halfway = StreamProgress(previous: ["a": StreamCursor(lastTimestamp: 10, lastIngestion: 20, lagMillis: 1000)], elapsed: 3_600_000)
        #expect(halfway.cursors["a"]?.lagMillis == 500)
        let fiveMinutes = StreamProgress(previous: ["a": StreamCursor(lastTimestamp: 10, lastIngestion: 20, lagMillis: 1000)], elapsed: 300_000)
        #expect((fiveMinutes.cursors["a"]?.lagMillis ?? 0) > 940)
        var progress = halfway
        progress.record(LogEvent(eventId: "1", timestamp: 100, ingestionTime: 400, message: "", logStream: "a"))
        progress.record(LogEvent(eventId: "2", timestamp: 50, ingestionTime: 60, message: "", logStream: "b"))
        #expect(progress.cursors["a"] == StreamCursor(lastTimestamp: 100, lastIngestion: 400, lagMillis: 500))
        #expect(progress.cursors["b"] == StreamCursor(lastTimestamp: 50, lastIngestion: 60, lagMillis: 10))
    }

    @Test func recentIDsAreRememberedAndForgottenByMinute() {
        var recent = RecentEventIDs()
        recent.insert("a", timestamp: 60_000)
        recent.insert("b", timestamp: 200_000)
        #expect(recent.contains("a", timestamp: 60_000) && recent.contains("b", timestamp: 200_000))
        #expect(!recent.contains("c", timestamp: 60_000))
        recent.forget(before: 120_000)
        #expect(!recent.contains("a", timestamp: 60_000) && recent.contains("b", timestamp: 200_000))
    }
}
