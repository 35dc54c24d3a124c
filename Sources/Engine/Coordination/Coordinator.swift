/// Shares the log groups, and the Kinesis shards of sources read through their
/// subscriptions, among several logstream instances through Elasticsearch: each instance
/// heartbeats, counts the live ones, and holds leases on up to its fair share of them
/// (`ceil(items / instances)`). A held lease is renewed every third of LEASE_SECS together
/// with the group's (or shard's) checkpoint; a lease left to expire (its instance died) is
/// taken over, and the new owner resumes from the checkpoint in it. Re-reading the
/// little that the last renewal did not record is harmless: documents are created by id.
/// Instances owning more than their share (one just joined) hand the extra leases back.
actor Coordinator {
    let instance: String
    let store: LeaseStore
    let checkpoints: CheckpointStore
    let leaseMillis: EpochMillis
    private(set) var groups: [String] = []
    /// Each subscription stream's shards (`ShardKey` text), by stream.
    private var shards: [String: [String]] = [:]
    private var held: [String: LeaseStore.Lease] = [:]
    private var live: [String] = []
    /// The checkpoints in every lease as last read: how far others have read their shards.
    private(set) var published: [String: JSONValue] = [:]

    init(instance: String, store: LeaseStore, checkpoints: CheckpointStore, leaseSeconds: Int) {
        self.instance = instance
        self.store = store
        self.checkpoints = checkpoints
        leaseMillis = EpochMillis(leaseSeconds) * 1000
    }

    var roundSeconds: Double { Double(leaseMillis) / 3000 }

    func owns(_ group: String) -> Bool {
        guard let lease = held[group] else { return false }
        return lease.expiresAt > WallClock.nowMillis()
    }

    var owned: [String] { held.keys.sorted() }

    /// The instance that runs cluster-wide chores (healing, refresh tuning): the first live one by name.
    var isLeader: Bool { (live.min() ?? instance) == instance }

    func setGroups(_ names: [String]) { groups = names }

    /// The shards of one subscription stream that are to be read now.
    func setShards(_ names: [String], of stream: String) { shards[stream] = names }

    /// Groups and shards: everything shared by lease.
    private var items: [String] { groups + shards.keys.sorted().flatMap { shards[$0]! } }

    /// One round: heartbeat, renew, rebalance, claim.
    func round(now: EpochMillis = WallClock.nowMillis()) async throws {
        let expires = now + leaseMillis
        try await store.heartbeat(instance: instance, expiresAt: expires)
        live = Array(try await store.liveInstances(now: now).keys)
        if !live.contains(instance) { live.append(instance) }
        let items = self.items
        let share = (items.count + live.count - 1) / max(1, live.count)
        var leases = try await store.leases()
        published = leases.compactMapValues(\.checkpoint)

        // Renew what is ours, with the checkpoint as it stands now.
        for group in held.keys.sorted() {
            guard items.contains(group), let current = leases[group], current.owner == instance else {
                held[group] = nil
                Log.lease(group).warn("lease lost: another instance holds it now", ("instance", instance))
                continue
            }
            let checkpoint = await checkpoints.leaseCheckpoint(group)
            if let renewed = try await store.write(group: group, owner: instance, expiresAt: expires, checkpoint: checkpoint, over: current) {
                held[group] = renewed
                leases[group] = renewed
            } else {
                held[group] = nil
                Log.lease(group).warn("lease lost while renewing", ("instance", instance))
            }
        }

        // More than a fair share (an instance joined): hand the extra back, checkpoint included.
        for group in held.keys.sorted().reversed() where held.count > share {
            guard let current = held[group] else { continue }
            let checkpoint = await checkpoints.leaseCheckpoint(group)
            if let released = try await store.write(group: group, owner: "", expiresAt: 0, checkpoint: checkpoint, over: current) {
                leases[group] = released
                Log.lease(group).info("lease handed back to balance the instances", ("instance", instance), ("share", share))
            }
            held[group] = nil
        }

        // Less than a fair share: take free or expired leases, resuming from their checkpoints.
        for group in items where held.count < share && held[group] == nil {
            let current = leases[group]
            if let current, current.isHeld(now: now) { continue }
            guard let taken = try await store.write(group: group, owner: instance, expiresAt: expires, checkpoint: current?.checkpoint, over: current) else {
                continue
            }
            if let saved = current?.checkpoint { try await checkpoints.takeOver(group, from: saved) }
            held[group] = taken
            Log.lease(group).info("lease acquired", ("instance", instance), ("from", current.map { $0.owner.isEmpty ? "(free)" : $0.owner } ?? "(new)"),
                     ("instances", live.count), ("share", share))
        }
    }

    /// Hands every lease back (clean shutdown), so others need not wait for expiry.
    func releaseAll() async {
        for (group, lease) in held {
            let checkpoint = await checkpoints.leaseCheckpoint(group)
            _ = try? await store.write(group: group, owner: "", expiresAt: 0, checkpoint: checkpoint, over: lease)
        }
        held.removeAll()
    }
}
