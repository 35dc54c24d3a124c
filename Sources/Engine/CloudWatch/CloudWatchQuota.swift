/// CloudWatch Logs' FilterLogEvents quota per account and region, as AWS's "CloudWatch Logs
/// quotas" page gives it (not adjustable): 25 requests a second in us-east-1, 5 in
/// eu-central-1, 10 elsewhere. The request budget starts there unless CLOUDWATCH_MAX_RPS
/// says otherwise; a region whose quota is lower than this table says answers with
/// throttling, and the budget halves until it fits.
enum CloudWatchQuota {
    static func filterLogEventsPerSecond(region: String) -> Int {
        switch region {
        case "us-east-1": return 25
        case "eu-central-1": return 5
        default: return 10
        }
    }
}

extension Settings {
    /// The request budget of one account and region: CLOUDWATCH_MAX_RPS, or the region's quota.
    func cloudWatchRate(region: String) -> Int {
        cloudWatchMaxRPS ?? CloudWatchQuota.filterLogEventsPerSecond(region: region)
    }
}
