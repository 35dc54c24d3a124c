import Foundation

/// How many rigs run at once in this test process. Swift Testing starts every suite at
/// once; on two cores, thirty rigs starting together (each a moto, an osmem-server and a
/// release binary) left a request without an answer for seconds, longer than the short
/// request timeouts some tests set on purpose. Waiting for a slot keeps the machine as
/// busy as it can usefully be. `RIG_SLOTS` overrides the default of four per core.
actor RigSlots {
    static let shared = RigSlots(limit: Int(ProcessInfo.processInfo.environment["RIG_SLOTS"] ?? "")
        ?? max(4, 4 * ProcessInfo.processInfo.activeProcessorCount))

    /// Set inside a slot, so that a rig started within another one's body does not wait
    /// for a slot its own caller holds.
    @TaskLocal static var held = false

    private let limit: Int
    private var inUse = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Runs `body` once a slot is free.
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        if held { return try await body() }
        await shared.acquire()
        do {
            let value = try await $held.withValue(true) { try await body() }
            await shared.release()
            return value
        } catch {
            await shared.release()
            throw error
        }
    }

    private func acquire() async {
        if inUse < limit {
            inUse += 1
        } else {
            await withCheckedContinuation { waiting.append($0) }
        }
    }

    private func release() {
        if waiting.isEmpty {
            inUse -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
