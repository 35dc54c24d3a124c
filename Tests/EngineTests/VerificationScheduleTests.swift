import Testing
@testable import Engine

@Suite struct VerificationScheduleTests {
    let schedule = VerificationSchedule(intervalMillis: 15 * 60_000, tailMillis: 15 * 60_000)

    /// Every minute is compared a fixed number of times: the recent stretch about
    /// (1 h + interval) / interval times, then once at each stage — never again.
    @Test func everyMinuteIsComparedAFixedNumberOfTimes() {
        let result = VerificationSimulation.run(schedule: schedule, days: 17)
        let completed = result.readsPerMinute.count
        #expect(completed > 1_440, "at least a day of minutes whose schedule has passed")
        for stage in VerificationSchedule.stages {
            #expect(result.readsByPurpose[stage.name] == completed, "stage \(stage.name) compares each minute once")
        }
        let recent = result.readsByPurpose["recent", default: 0]
        #expect(recent >= completed * 4 && recent <= completed * 6)
        #expect(result.readsPerMinute.allSatisfy { $0 <= 8 }, "\(Set(result.readsPerMinute).sorted())")
        #expect(result.meanReads <= 8)
    }

    /// An event up to an hour late reaches CloudWatch while its minute is still in the recent
    /// stretch, and that stretch is compared at least every interval.
    @Test func anEventUpToAnHourLateIsComparedWithinTheInterval() {
        let result = VerificationSimulation.run(schedule: schedule, days: 16)
        #expect(result.longestRecentGap <= schedule.intervalMillis)
        #expect(schedule.recentMillis >= WallClock.millisPerHour + schedule.intervalMillis)
    }

    @Test func whatAStageComparedIsNotComparedAgain() {
        let day = WallClock.millisPerDay
        let now = 40 * day
        var group = CheckpointState.Group(shipped: IntervalSet([TimeRange(start: 10 * day, end: now)]))
        var compared: [TimeRange] = []
        while let (stage, window) = schedule.nextStage(group, oldest: 10 * day, now: now) {
            compared.append(window)
            for passed in VerificationSchedule.stagesPassed(by: window, oldest: 10 * day, now: now) { group.verified[passed.name, default: IntervalSet()].insert(window) }
            #expect(window.duration <= day, "\(stage.name) works a day at a time")
        }
        // Older than 15 days: once (it passes both stages); between a day and 15 days: once.
        let total = compared.reduce(0) { $0 + $1.duration }
        #expect(total == now - VerificationSchedule.stages[0].age - 10 * day)
        #expect(group.verified["15d"]?.covers(TimeRange(start: 10 * day, end: now - 15 * day)) == true)
        #expect(group.verified["1d"]?.covers(TimeRange(start: 10 * day, end: now - VerificationSchedule.stages[0].age)) == true)
    }

    /// A daemon that keeps a week (BACKFILL_DAYS=7, or the cluster's retention) still runs
    /// the last stage: before the fix, its edge 15 days back lay outside what is kept, and
    /// events more than a day late were never shipped.
    @Test func theLastStageRunsForWhateverHistoryIsKept() {
        let day = WallClock.millisPerDay
        let now = 40 * day
        let oldest = now - 7 * day
        var group = CheckpointState.Group(shipped: IntervalSet([TimeRange(start: oldest, end: now)]))
        while let (_, window) = schedule.nextStage(group, oldest: oldest, now: now) {
            for passed in VerificationSchedule.stagesPassed(by: window, oldest: oldest, now: now) { group.verified[passed.name, default: IntervalSet()].insert(window) }
        }
        let last = VerificationSchedule.stages[VerificationSchedule.stages.count - 1]
        #expect(VerificationSchedule.age(of: last, keptMillis: 7 * day) == 6 * day)
        #expect(group.verified[last.name]?.covers(TimeRange(start: oldest, end: now - 6 * day)) == true, "\(String(describing: group.verified[last.name]))")
        #expect(group.verified["1d"]?.covers(TimeRange(start: oldest, end: now - VerificationSchedule.stages[0].age)) == true)
    }

    /// Found running the release daemon: the stage's edge moved with the clock, so each call
    /// found a sliver of a few milliseconds due, reconcile rounded it to nothing, and the
    /// background loop compared nothing tens of thousands of times a second.
    @Test func aStageNeverPicksASliverTheClockAddedSinceTheLastCall() {
        let day = WallClock.millisPerDay
        var now = 40 * day + 5
        var group = CheckpointState.Group(shipped: IntervalSet([TimeRange(start: 10 * day, end: now)]))
        while let (_, window) = schedule.nextStage(group, oldest: 10 * day, now: now) {
            for passed in VerificationSchedule.stagesPassed(by: window, oldest: 10 * day, now: now) { group.verified[passed.name, default: IntervalSet()].insert(window) }
        }
        for step: EpochMillis in [1, 7, 999, 59_999, 60_000, schedule.intervalMillis - 6] {
            #expect(schedule.nextStage(group, oldest: 10 * day, now: now + step) == nil, "\(step) ms later")
        }
        now += schedule.intervalMillis
        group.shipped.insert(TimeRange(start: 10 * day, end: now))
        let next = schedule.nextStage(group, oldest: 10 * day, now: now)
        #expect(next.map { $0.window.duration } == schedule.intervalMillis, "one whole interval once it has passed")
    }

    @Test func verificationMarksSurviveTheCheckpointFile() throws {
        var state = CheckpointState()
        state.groups["/g"] = CheckpointState.Group(shipped: IntervalSet([TimeRange(start: 0, end: 100)]),
                                                  verified: ["1d": IntervalSet([TimeRange(start: 0, end: 50)])], recentVerifiedAt: 90)
        let decoded = try CheckpointState.decode(state.encoded(), path: "cp.json")
        #expect(decoded == state)
        // Without marks the file reads as before (older versions ignore the new members).
        let plain = CheckpointState(groups: ["/g": CheckpointState.Group(shipped: IntervalSet([TimeRange(start: 0, end: 100)]))])
        #expect(!String(decoding: plain.encoded(), as: UTF8.self).contains("verified"))
    }
}
