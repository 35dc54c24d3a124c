extension DeliveryEstimate {
    /// The estimate in the log: a warning where the budget cannot poll every group, or
    /// compare every group's recent stretch, as often as configured, with what it delivers
    /// instead; otherwise one line that it can.
    func announce(_ settings: Settings) {
        let fields: [(String, Any)] = [
            ("source", sourceLabel), ("groups", groups), ("budget_rps", budgetPerSecond),
            ("poll_s", Int(pollSeconds.rounded(.up))), ("verify_s", Int(verifySeconds.rounded(.up))),
            ("late_within_s", Int(lateSeconds.rounded(.up))),
        ]
        if pollShort {
            Log.emit(.warn, "polling every group each POLL_INTERVAL_SECS needs more CloudWatch requests than the account and region's request budget allows; "
                     + "each group is polled about every \(Int(pollSeconds.rounded(.up))) s instead (raise POLL_INTERVAL_SECS, or CLOUDWATCH_MAX_RPS if the account's FilterLogEvents quota is higher)",
                     fields + [("needed_rps", Int(neededPerSecond.rounded(.up))), ("poll_secs", settings.pollSeconds)])
        }
        if verifyShort {
            Log.emit(.warn, "comparing every group's recent stretch each RECONCILE_INTERVAL_SECS needs more CloudWatch requests than the tail leaves; "
                     + "each group is compared about every \(Int(verifySeconds.rounded(.up))) s, so an event up to an hour late is shipped within "
                     + "\(Int((lateSeconds / 60).rounded(.up))) min of reaching CloudWatch (fewer groups per account and region, or a longer POLL_INTERVAL_SECS, shorten it)",
                     fields + [("reconcile_secs", settings.reconcileSeconds)])
        } else {
            Log.emit(.info, "delivery within the request budget", fields)
        }
    }
}
