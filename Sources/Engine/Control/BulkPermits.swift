/// How many bulk requests may be in flight at once, shared by every writer in the
/// process. Waiters are served by priority (the live tail first), then in arrival order,
/// and the adaptive controller can change the capacity while requests are running.
public actor BulkPermits {
    public private(set) var capacity: Int
    public private(set) var inUse = 0
    private var waiters = PriorityWaiters()

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    public var waiting: Int { waiters.count }

    public func acquire(_ priority: Priority) async {
        if inUse < capacity && waiters.isEmpty {
            inUse += 1
            return
        }
        await withCheckedContinuation { continuation in
            waiters.add(priority, continuation)
        }
    }

    public func release() {
        inUse -= 1
        admit()
    }

    public func setCapacity(_ value: Int) {
        capacity = max(1, value)
        admit()
    }

    private func admit() {
        while inUse < capacity && !waiters.isEmpty {
            inUse += 1
            waiters.resumeNext()
        }
    }

    public nonisolated func withPermit<T: Sendable>(_ priority: Priority, _ body: @Sendable () async throws -> T) async throws -> T {
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
