/// Tasks waiting for a shared resource, served most urgent first and, within one
/// priority, in the order they came. Used inside an actor.
struct PriorityWaiters {
    private var waiters: [(priority: Priority, order: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var arrivals = 0

    var count: Int { waiters.count }
    var isEmpty: Bool { waiters.isEmpty }

    mutating func add(_ priority: Priority, _ continuation: CheckedContinuation<Void, Never>) {
        arrivals += 1
        waiters.append((priority, arrivals, continuation))
        waiters.sort { $0.priority != $1.priority ? $0.priority > $1.priority : $0.order < $1.order }
    }

    /// Lets the most urgent waiter go; its priority, nil when nobody waits.
    @discardableResult
    mutating func resumeNext() -> Priority? {
        guard !waiters.isEmpty else { return nil }
        let next = waiters.removeFirst()
        next.continuation.resume()
        return next.priority
    }

    /// Lets the most urgent waiter below `priority` go; its priority, nil when none waits.
    @discardableResult
    mutating func resumeNext(below priority: Priority) -> Priority? {
        guard let position = waiters.firstIndex(where: { $0.priority < priority }) else { return nil }
        let next = waiters.remove(at: position)
        next.continuation.resume()
        return next.priority
    }
}
