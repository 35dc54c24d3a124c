/// Which shards of a stream are read now. Resharding closes a shard (a split makes two
/// children of it, a merge one child of two): its children are read only once it has been
/// read to its end — so a group's events are shipped in the order CloudWatch delivered them —
/// and a parent the stream no longer lists (past its retention) counts as read.
enum ShardOrder {
    static func readable(_ shards: [KinesisClient.Shard], finished: (String) -> Bool) -> [KinesisClient.Shard] {
        let listed = Set(shards.map(\.id))
        return shards.filter { shard in
            guard !finished(shard.id) else { return false }
            return [shard.parent, shard.adjacentParent].allSatisfy { parent in
                guard let parent else { return true }
                return !listed.contains(parent) || finished(parent)
            }
        }
    }
}
