@testable import Engine
import Testing

/// Two processes' records of one checkpoint file, merged (see CheckpointMerge.swift).
struct CheckpointMergeTests {
    func group(shipped: [TimeRange] = [], streams: [String: EpochMillis] = [:], epoch: Int = 0) -> CheckpointState.Group {
        var group = CheckpointState.Group(epoch: epoch)
        for range in shipped { group.shipped.insert(range) }
        for (name, ts) in streams { group.streams[name] = StreamCursor(lastTimestamp: ts, lastIngestion: ts, lagMillis: 0) }
        return group
    }

    @Test func progressOfBothSidesIsKeptAndCursorsTakeTheNewer() {
        let mine = CheckpointState(groups: ["/a": group(shipped: [TimeRange(start: 0, end: 10)], streams: ["s": 50, "t": 10]),
                                            "/mine": group(shipped: [TimeRange(start: 0, end: 1)])])
        let file = CheckpointState(groups: ["/a": group(shipped: [TimeRange(start: 10, end: 20)], streams: ["s": 40, "t": 30, "u": 5]),
                                            "/theirs": group(shipped: [TimeRange(start: 5, end: 6)])])
        let merged = mine.merged(withFile: file)
        #expect(merged.groups["/a"]?.shipped.ranges == [TimeRange(start: 0, end: 20)])
        #expect(merged.groups["/a"]?.streams.mapValues(\.lastTimestamp) == ["s": 50, "t": 30, "u": 5])
        #expect(Set(merged.groups.keys) == ["/a", "/mine", "/theirs"])
    }

    @Test func anOperatorsEditOfANewerEpochReplacesOlderProgress() {
        let mine = CheckpointState(groups: ["/a": group(shipped: [TimeRange(start: 0, end: 10)], streams: ["s": 50])])
        let file = CheckpointState(groups: ["/a": group(streams: ["s": 5], epoch: 1)])
        #expect(mine.merged(withFile: file).groups["/a"] == file.groups["/a"])
        // The editor's own write keeps its edit over the file's older record.
        #expect(file.merged(withFile: mine).groups["/a"] == file.groups["/a"])
    }

    @Test func aResetOfEveryGroupIsTakenAsItIs() {
        let mine = CheckpointState(groups: ["/a": group(shipped: [TimeRange(start: 0, end: 10)])])
        var file = CheckpointState()
        file.generation = 1
        #expect(mine.merged(withFile: file).groups.isEmpty)
    }

    @Test func streamsPrunedOnOneSideStayPruned() {
        var pruned = group(streams: ["new": 100])
        pruned.prunedBefore = 50
        let mine = CheckpointState(groups: ["/a": pruned])
        let file = CheckpointState(groups: ["/a": group(streams: ["old": 10, "new": 90])])
        #expect(mine.merged(withFile: file).groups["/a"]?.streams.keys.sorted() == ["new"])
    }
}
