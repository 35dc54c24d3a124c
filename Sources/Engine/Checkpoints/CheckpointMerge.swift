/// How two processes that share one checkpoint file (a daemon and a one-off backfill on one
/// volume) keep each other's progress: every write reads the file under its lock and merges.
/// What a checkpoint records is true whoever recorded it — a range Elasticsearch
/// acknowledged, a stream's newest acknowledged event, a range compared — so a merge is the
/// union of both sides. An operator's `set` or `reset` is not progress but an instruction:
/// it bumps the group's epoch (or, for every group, the file's generation), and a side
/// that has not seen it yet takes the file's entry instead of merging its own into it.
extension CheckpointState {
    /// This process's state (`self`) merged with the file's (`file`).
    func merged(withFile file: CheckpointState) -> CheckpointState {
        if file.generation > generation { return file }
        var result = CheckpointState()
        result.generation = max(generation, file.generation)
        for name in Set(groups.keys).union(file.groups.keys) {
            switch (groups[name], file.groups[name]) {
            case (let mine?, let theirs?):
                if theirs.epoch > mine.epoch {
                    result.groups[name] = theirs
                } else if mine.epoch > theirs.epoch {
                    result.groups[name] = mine
                } else {
                    result.groups[name] = mine.merged(with: theirs)
                }
            case (let mine?, nil):
                result.groups[name] = mine
            case (nil, let theirs?):
                result.groups[name] = theirs
            case (nil, nil):
                break
            }
        }
        result.shards = shards.merging(file.shards) { $0.merged(with: $1) }
        return result
    }
}

extension CheckpointState.Group {
    /// The union of two records of one group at the same epoch.
    func merged(with other: CheckpointState.Group) -> CheckpointState.Group {
        var result = self
        for range in other.shipped.ranges { result.shipped.insert(range) }
        for (stage, set) in other.verified {
            for range in set.ranges { result.verified[stage, default: IntervalSet()].insert(range) }
        }
        for (stream, cursor) in other.streams {
            if let existing = result.streams[stream], existing.lastTimestamp >= cursor.lastTimestamp { continue }
            result.streams[stream] = cursor
        }
        result.recentVerifiedAt = [recentVerifiedAt, other.recentVerifiedAt].compactMap { $0 }.max()
        result.prunedBefore = [prunedBefore, other.prunedBefore].compactMap { $0 }.max()
        if let prunedBefore = result.prunedBefore {
            result.streams = result.streams.filter { $0.value.lastTimestamp >= prunedBefore }
        }
        return result
    }
}
