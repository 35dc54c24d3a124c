import Testing
@testable import Engine

@Suite struct TailWindowTests {
    let window = TailWindow(minOverlap: 60_000, maxOverlap: 900_000)

    func group(_ streams: [String: StreamCursor]) -> CheckpointState.Group {
        CheckpointState.Group(streams: streams)
    }

    @Test func aGroupNeverTailedHasNoStart() {
        #expect(window.start(for: group([:])) == nil)
    }

    @Test func punctualStreamsGetTheMinimumOverlap() {
        let state = group(["a": StreamCursor(lastTimestamp: 1_000_000, lastIngestion: 1_000_500, lagMillis: 500)])
        #expect(window.overlap(for: state) == 60_000)
        #expect(window.start(for: state) == EpochMillis(940_000))
    }

    @Test func theOverlapGrowsWithTheWorstRecentLagUpToTheMaximum() {
        let slow = group([
            "fast": StreamCursor(lastTimestamp: 10_000_000, lastIngestion: 10_000_100, lagMillis: 100),
            "slow": StreamCursor(lastTimestamp: 9_700_000, lastIngestion: 10_000_000, lagMillis: 300_000),
        ])
        #expect(window.overlap(for: slow) == 2 * 300_000 + TailWindow.margin)
        #expect(window.start(for: slow) == 10_000_000 - (2 * 300_000 + TailWindow.margin))
        let hopeless = group(["x": StreamCursor(lastTimestamp: 0, lastIngestion: 10_000_000, lagMillis: 5_000_000)])
        #expect(window.overlap(for: hopeless) == 900_000)
    }

    @Test func longQuietStreamsDoNotWidenTheWindow() {
        let state = group([
            "live": StreamCursor(lastTimestamp: 100_000_000, lastIngestion: 100_000_000, lagMillis: 0),
            "gone": StreamCursor(lastTimestamp: 1_000, lastIngestion: 1_000, lagMillis: 800_000),
        ])
        #expect(window.overlap(for: state) == 60_000)
    }

    @Test func clocksAheadOfIngestionDoNotPushTheStartForward() {
        let state = group(["ahead": StreamCursor(lastTimestamp: 5_000_000, lastIngestion: 1_000_000, lagMillis: 0)])
        #expect(window.start(for: state) == EpochMillis(940_000))
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
