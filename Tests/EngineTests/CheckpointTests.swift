import Foundation
import Testing
@testable import Engine

@Suite struct IntervalSetTests {
    @Test func mergesOverlappingAndAdjacentRanges() {
        var set = IntervalSet()
        set.insert(TimeRange(start: 10, end: 20))
        set.insert(TimeRange(start: 30, end: 40))
        set.insert(TimeRange(start: 20, end: 25))
        #expect(set.ranges == [TimeRange(start: 10, end: 25), TimeRange(start: 30, end: 40)])
        set.insert(TimeRange(start: 5, end: 35))
        #expect(set.ranges == [TimeRange(start: 5, end: 40)])
    }

    @Test func gapsAreWhatIsNotCoveredYet() {
        let set = IntervalSet([TimeRange(start: 10, end: 20), TimeRange(start: 30, end: 40)])
        #expect(set.gaps(in: TimeRange(start: 0, end: 50)) == [TimeRange(start: 0, end: 10), TimeRange(start: 20, end: 30), TimeRange(start: 40, end: 50)])
        #expect(set.gaps(in: TimeRange(start: 12, end: 18)).isEmpty)
        #expect(set.covers(TimeRange(start: 30, end: 40)))
    }

    @Test func chunksRunNewestFirstAndTileTheRange() {
        let chunks = TimeRange(start: 0, end: 25).chunksNewestFirst(length: 10)
        #expect(chunks == [TimeRange(start: 15, end: 25), TimeRange(start: 5, end: 15), TimeRange(start: 0, end: 5)])
    }
}

@Suite struct CheckpointFileTests {
    func temporaryPath() -> String {
        NSTemporaryDirectory() + "logstream-\(UUID().uuidString)/state/checkpoints.json"
    }

    @Test func survivesAReopenAndIsPrivate() async throws {
        let path = temporaryPath()
        let store = try CheckpointStore(path: path)
        try await store.markShipped("/aws/lambda/x", TimeRange(start: 100, end: 200))
        try await store.markShipped("/aws/lambda/x", TimeRange(start: 200, end: 300))
        try await store.flush()
        let reopened = try CheckpointStore(path: path)
        #expect(await reopened.shipped("/aws/lambda/x").ranges == [TimeRange(start: 100, end: 300)])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileIO.parentDirectory(of: path)).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
    }

    /// Progress is written at most once per interval (and by `flush`), not per page; what
    /// waits in memory is what a crash would make the next run read again.
    @Test func progressIsWrittenBehindAndFlushedAtTheEnd() async throws {
        let path = temporaryPath()
        let store = try CheckpointStore(path: path, writeInterval: 3_600)
        func onDisk() throws -> [TimeRange] {
            try CheckpointState.decode(try #require(try FileIO.read(path: path)), path: path).groups["/g"]?.shipped.ranges ?? []
        }
        try await store.markShipped("/g", TimeRange(start: 100, end: 200))
        #expect(try onDisk() == [TimeRange(start: 100, end: 200)], "the first change is written at once")
        try await store.markShipped("/g", TimeRange(start: 200, end: 300))
        try await store.markVerified("/g", stage: "1d", TimeRange(start: 100, end: 200))
        #expect(try onDisk() == [TimeRange(start: 100, end: 200)], "later ones wait for the interval")
        #expect(await store.shipped("/g").ranges == [TimeRange(start: 100, end: 300)], "but count in memory at once")
        try await store.flush()
        #expect(try onDisk() == [TimeRange(start: 100, end: 300)])
        #expect(try CheckpointState.decode(try #require(try FileIO.read(path: path)), path: path).groups["/g"]?.verified["1d"]?.ranges == [TimeRange(start: 100, end: 200)])
        // Operator changes are written through.
        try await store.set("/g", stream: nil, to: 150)
        #expect(try onDisk() == [TimeRange(start: 100, end: 150)])
    }

    @Test(arguments: ["", "{\"format\":\"logstream-checkpoints\",\"version\":1,\"groups\":{\"g\":{\"shipped\":[[5", "{\"some\":\"other tool\"}", "{\"format\":\"logstream-checkpoints\",\"version\":99}"])
    func corruptOrForeignFilesAreRefusedWithAnExplanation(contents: String) throws {
        let path = temporaryPath()
        try FileIO.replaceAtomically(path: path, with: Array(contents.utf8))
        do {
            _ = try CheckpointStore(path: path)
            Issue.record("accepted \(contents)")
        } catch let error as CheckpointError {
            #expect(error.description.contains(path))
            #expect(error.description.contains("checkpoint reset"))
        }
        #expect(FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } == contents)
    }

    @Test func streamCursorsRoundTripAndOnlyMoveForward() async throws {
        let path = temporaryPath()
        let store = try CheckpointStore(path: path)
        try await store.advanceStreams("g", ["s1": StreamCursor(lastTimestamp: 500, lastIngestion: 600, lagMillis: 100)])
        try await store.advanceStreams("g", ["s1": StreamCursor(lastTimestamp: 400, lastIngestion: 450, lagMillis: 50), "s2": StreamCursor(lastTimestamp: 10, lastIngestion: 20, lagMillis: 10)])
        try await store.flush()
        let reopened = try CheckpointStore(path: path)
        let group = await reopened.group("g")
        #expect(group.streams["s1"]?.lastTimestamp == 500)
        #expect(group.streams["s2"] == StreamCursor(lastTimestamp: 10, lastIngestion: 20, lagMillis: 10))
    }

    @Test func aFileEditedInPlaceFailsItsChecksum() async throws {
        let path = temporaryPath()
        let store = try CheckpointStore(path: path)
        try await store.markShipped("g", TimeRange(start: 1000, end: 2000))
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "2000", with: "9000")
        try FileIO.replaceAtomically(path: path, with: Array(text.utf8))
        #expect(throws: CheckpointError.self) { try CheckpointStore(path: path) }
    }

    @Test func unwritableLocationGivesAClearError() async throws {
        let store = try CheckpointStore(path: "/proc/logstream-cannot-write/checkpoints.json")
        await #expect(throws: FileError.self) { try await store.markShipped("g", TimeRange(start: 1, end: 2)) }
    }
}
