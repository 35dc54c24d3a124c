/// Whether a holder of a group's claim may still move its documents: not once the claim was
/// taken by another, and not once it may have run out unrenewed. The claim lasts `seconds`
/// from its last write; the guard allows moves until a fifth of that before, so that a
/// holder whose renewals fail has stopped before another process can judge the claim
/// expired (the processes' clocks agree to well within that, as the README asks).
final class ClaimGuard: Sendable {
    struct Lost: Error, CustomStringConvertible {
        var reason: String
        var description: String { "the claim on the group was lost (\(reason)); nothing more was moved" }
    }

    private let seconds: Double
    private let state: Locked<(validUntil: Double, lost: String?)>

    init(seconds: Int) {
        self.seconds = Double(seconds)
        state = Locked((WallClock.monotonicSeconds() + Double(seconds) * 0.8, nil))
    }

    /// A renewal was written just now (its request started at most a request's time ago:
    /// the margin covers that).
    func renewed() {
        let until = WallClock.monotonicSeconds() + seconds * 0.8
        state.withLock { $0.validUntil = max($0.validUntil, until) }
    }

    func lose(_ reason: String) {
        state.withLock { $0.lost = $0.lost ?? reason }
    }

    var isLost: Bool { state.withLock { $0.lost != nil } }

    /// Throws `Lost` unless the claim is certainly still held.
    func check() throws {
        let now = WallClock.monotonicSeconds()
        try state.withLock { state in
            if let reason = state.lost { throw Lost(reason: reason) }
            if now >= state.validUntil {
                state.lost = "not renewed in time"
                throw Lost(reason: "not renewed in time")
            }
        }
    }
}
