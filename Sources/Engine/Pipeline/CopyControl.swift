/// How long-running copies defer to more urgent work: before each page they pass the
/// priority gate (which holds them while a side they use is under stress: Elasticsearch,
/// and `reading`, the CloudWatch account and region they read), and after each page
/// is acknowledged they ask whether to stop there (shutdown, or more urgent work
/// waiting). A stopped copy leaves its progress in the checkpoint; the rest is picked up
/// later. Progress, when measured, is counted page by page. One-off commands use
/// `unlimited`.
struct CopyControl: Sendable {
    var gate: PriorityGate?
    /// The stress of the CloudWatch account and region the copy reads.
    var reading: StressTracker?
    var stop: (@Sendable (Priority) async -> Bool)?
    var progress: ProgressMeter?

    init(gate: PriorityGate? = nil, reading: StressTracker? = nil, stop: (@Sendable (Priority) async -> Bool)? = nil, progress: ProgressMeter? = nil) {
        self.gate = gate
        self.reading = reading
        self.stop = stop
        self.progress = progress
    }

    static let unlimited = CopyControl()

    func admit(_ priority: Priority) async {
        await gate?.admit(priority, reading: reading)
    }

    func shouldStop(_ priority: Priority) async -> Bool {
        await stop?(priority) ?? false
    }
}
