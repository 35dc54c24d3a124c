@testable import Engine
import Testing

/// Per-shard checkpoints: how they are kept in the checkpoint file, merged between two
/// processes sharing it, and which shards a resharding lets be read.
@Suite struct ShardCheckpointTests {
    @Test func sequenceNumbersCompareAsNumbersNotAsText() {
        #expect(ShardCheckpoint.later("9", "10") == "10")
        #expect(ShardCheckpoint.later("49590338271490256608559692538361571095921575989136588898", "49590338271490256608559692540925702759324208523137515618")
            == "49590338271490256608559692540925702759324208523137515618")
        #expect(ShardCheckpoint.later(nil, "5") == "5" && ShardCheckpoint.later("5", nil) == "5")
    }

    @Test func aMergeKeepsTheFurthestProgressOfBothSides() {
        let mine = ShardCheckpoint(sequence: "200", finished: false, caughtUpAt: 5_000)
        let theirs = ShardCheckpoint(sequence: "1000", finished: true, caughtUpAt: 4_000)
        #expect(mine.merged(with: theirs) == ShardCheckpoint(sequence: "1000", finished: true, caughtUpAt: 5_000))

        var file = CheckpointState()
        file.shards["kinesis:us-east-1:cwl:shardId-000000000001"] = theirs
        var state = CheckpointState()
        state.shards["kinesis:us-east-1:cwl:shardId-000000000001"] = mine
        state.shards["kinesis:us-east-1:cwl:shardId-000000000002"] = ShardCheckpoint(sequence: "7")
        let merged = state.merged(withFile: file)
        #expect(merged.shards.count == 2)
        #expect(merged.shards["kinesis:us-east-1:cwl:shardId-000000000001"]?.sequence == "1000")
    }

    @Test func shardsRoundTripThroughTheFileAndAreCoveredByItsChecksum() throws {
        var state = CheckpointState()
        state.shards["kinesis:eu-west-1:cwl-payments:shardId-000000000003"] = ShardCheckpoint(sequence: "4959", finished: true, caughtUpAt: 1_700_000_000_000)
        let bytes = state.encoded()
        let read = try CheckpointState.decode(bytes, path: "cp.json")
        #expect(read.shards == state.shards)

        let edited = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\"4959\"", with: "\"4960\"")
        #expect(throws: CheckpointError.self) { try CheckpointState.decode(Array(edited.utf8), path: "cp.json") }
        // A file without shards reads as before (and an older logstream's file is one).
        #expect(try CheckpointState.decode(CheckpointState().encoded(), path: "cp.json").shards.isEmpty)
    }

    @Test func aShardKeyIsNeverAGroupKey() {
        let key = ShardKey(region: "us-east-1", stream: "cwl", shard: "shardId-000000000000")
        #expect(ShardKey(key.rawValue) == key)
        #expect(ShardKey("/aws/lambda/api") == nil && ShardKey("111111111111:us-east-1:/aws/lambda/api") == nil)
    }

    @Test func childrenAreReadOnlyOnceTheirParentsAreReadToTheirEnd() {
        typealias Shard = KinesisClient.Shard
        let shards = [
            Shard(id: "p", parent: nil, adjacentParent: nil, endingSequence: "90"),
            Shard(id: "a", parent: "p", adjacentParent: nil, endingSequence: nil),
            Shard(id: "b", parent: "p", adjacentParent: nil, endingSequence: nil),
            Shard(id: "q", parent: nil, adjacentParent: nil, endingSequence: "80"),
            Shard(id: "r", parent: nil, adjacentParent: nil, endingSequence: "85"),
            Shard(id: "m", parent: "q", adjacentParent: "r", endingSequence: nil),
            // Its parent is past the stream's retention: no longer listed.
            Shard(id: "o", parent: "gone", adjacentParent: nil, endingSequence: nil),
        ]
        #expect(ShardOrder.readable(shards, finished: { _ in false }).map(\.id) == ["p", "q", "r", "o"])
        #expect(ShardOrder.readable(shards, finished: { ["p", "q"].contains($0) }).map(\.id) == ["a", "b", "r", "o"])
        #expect(ShardOrder.readable(shards, finished: { ["p", "q", "r"].contains($0) }).map(\.id) == ["a", "b", "m", "o"])
    }
}
