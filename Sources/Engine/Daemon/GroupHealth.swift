/// Groups whose tail keeps failing for a reason retrying will not fix (the group was
/// deleted, access was revoked, the credentials are wrong). Such a failure is logged
/// once, with the fix, and the group is left alone until `retryAfter` has passed, then
/// tried again; its recovery is logged too.
struct GroupHealth: Sendable {
    struct Problem: Sendable {
        var message: String
        var retryAt: Double
    }

    let retryAfter: Double
    private var problems: [GroupKey: Problem] = [:]

    init(retryAfter: Double) {
        self.retryAfter = retryAfter
    }

    /// Whether `group` should be tried now.
    func isDue(_ group: GroupKey, now: Double) -> Bool {
        guard let problem = problems[group] else { return true }
        return now >= problem.retryAt
    }

    var failing: Int { problems.count }

    /// Records a failed pass; returns whether it is worth an error line (a new problem).
    mutating func failed(_ group: GroupKey, error: any Error, now: Double) -> Bool {
        let message = "\(error)"
        let permanent = (error as? CloudWatchError).map { !$0.isRetryable } ?? false
        let known = problems[group]?.message == message
        if permanent {
            problems[group] = Problem(message: message, retryAt: now + retryAfter)
        } else {
            problems[group] = nil
        }
        return !known
    }

    /// Records a good pass; returns whether the group had been failing.
    mutating func succeeded(_ group: GroupKey) -> Bool {
        problems.removeValue(forKey: group) != nil
    }
}
