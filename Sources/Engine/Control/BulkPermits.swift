/// How many bulk requests may be in flight at once, shared by every writer in the
/// process. Waiters are served by priority (the live tail first), then in arrival order,
/// and the adaptive controller can change the capacity while requests are running.
actor BulkPermits {
    private(set) var capacity: Int
    private(set) var inUse = 0
    private var waiters = PriorityWaiters()

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var waiting: Int { waiters.count }

    func acquire(_ priority: Priority) async {
        if inUse < capacity && waiters.isEmpty {
            inUse += 1
            return
        }
        await withCheckedContinuation { continuation in
            waiters.add(priority, continuation)
        }
    }

    func release() {
        inUse -= 1
        admit()
    }

    func setCapacity(_ value: Int) {
        capacity = max(1, value)
        admit()
    }

    private func admit() {
        while inUse < capacity && !waiters.isEmpty {
            inUse += 1
            waiters.resumeNext()
        }
    }

    nonisolated func withPermit<T: Sendable>(_ priority: Priority, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquire(priority)
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }
}
