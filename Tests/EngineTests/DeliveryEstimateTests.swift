import Testing
@testable import Engine

/// What the daemon says it can deliver within each account and region's request budget.
@Suite struct DeliveryEstimateTests {
    func settings(poll: Int, reconcile: Int = 900, budget: @escaping (String) -> Int) -> DeliveryEstimate.Settings {
        DeliveryEstimate.Settings(pollSeconds: poll, reconcileSeconds: reconcile, tailMaxOverlapSeconds: 900, defaultRegion: "eu-west-1", perSecond: budget)
    }

    /// Fifty groups polled every second want fifty requests a second; ten a second allow the
    /// tail seven and a half: each group every 6.7 s.
    @Test func fiftyGroupsEverySecondNeedFiftyRequestsASecond() throws {
        let groups: [GroupKey] = ((0..<50).map { "/g/\($0)" }).map { GroupKey($0) }
        let short = try #require(DeliveryEstimate.of(groups: groups, settings(poll: 1) { _ in 10 }).first)
        #expect(short.pollShort && short.neededPerSecond == 50 && short.budgetPerSecond == 10 && short.pollSeconds == 50 / 7.5)
        #expect(!short.verifyShort && short.verifySeconds == 900 && short.lateSeconds == 1_800)
        #expect(DeliveryEstimate.of(groups: groups, settings(poll: 1) { _ in 67 }).allSatisfy { !$0.pollShort && $0.pollSeconds == 1 })
        #expect(DeliveryEstimate.of(groups: groups, settings(poll: 15) { _ in 10 }).allSatisfy { !$0.pollShort && $0.pollSeconds == 15 })
    }

    /// Groups read through their subscription are not polled: 500 of them ask nothing of the
    /// tail's share, and verification still counts them (500 groups, 25 a second: every 900 s).
    @Test func groupsReadThroughTheirSubscriptionAreVerifiedButNotPolled() throws {
        let groups: [GroupKey] = ((0..<500).map { "/sub/\($0)" }).map { GroupKey($0) }
        let estimate = try #require(DeliveryEstimate.of(groups: groups, subscribed: { _ in true }, settings(poll: 1) { _ in 25 }).first)
        #expect(!estimate.pollShort && estimate.neededPerSecond == 0 && estimate.pollSeconds == 1 && estimate.groups == 500)
        #expect(!estimate.verifyShort && estimate.verifySeconds == 900)
        let polled = try #require(DeliveryEstimate.of(groups: groups, settings(poll: 1) { _ in 25 }).first)
        #expect(polled.pollShort && polled.neededPerSecond == 500)
    }

    @Test func eachAccountAndRegionHasItsOwnBudget() {
        let groups: [GroupKey] = ((0..<30).map { "/home/\($0)" } + (0..<30).map { "111122223333:eu-west-1:/app/\($0)" }).map { GroupKey($0) }
        let found = DeliveryEstimate.of(groups: groups, settings(poll: 2) { _ in 10 })
        #expect(found.map(\.source) == ["", "111122223333:eu-west-1"] && found.allSatisfy { $0.groups == 30 && $0.pollSeconds == 4 })
    }

    /// 2,000 groups behind 5 requests a second: the tail's 3.75 poll each every 533 s, and the
    /// quarter left compares each group's recent stretch every 1,600 s, not every 900 s — said,
    /// with late events within 1,600 + 900 s.
    @Test func whenVerificationCannotKeepTheIntervalTheDelayIsSaid() throws {
        let groups: [GroupKey] = ((0..<2_000).map { "/g/\($0)" }).map { GroupKey($0) }
        let estimate = try #require(DeliveryEstimate.of(groups: groups, settings(poll: 15) { _ in 5 }).first)
        #expect(estimate.pollShort && estimate.verifyShort)
        #expect(abs(estimate.verifySeconds - 1_600) < 0.01 && abs(estimate.lateSeconds - 2_500) < 0.01, "\(estimate)")
        // Two hundred groups fit: polled every 53 s, each compared every interval.
        let fits = try #require(DeliveryEstimate.of(groups: Array(groups.prefix(200)), settings(poll: 15) { _ in 5 }).first)
        #expect(!fits.verifyShort && fits.verifySeconds == 900 && fits.lateSeconds == 1_800)
    }

    /// Unset, the budget is the region's FilterLogEvents quota: the same thirty groups fit
    /// us-east-1's 25 requests a second and not eu-central-1's 5.
    @Test func withoutASettingTheBudgetIsTheRegionsQuota() throws {
        var settings = try Settings(resolved: try SettingsLoader(environment: [:]).resolve())
        #expect(settings.cloudWatchMaxRPS == nil)
        #expect(settings.cloudWatchRate(region: "us-east-1") == 25)
        #expect(settings.cloudWatchRate(region: "eu-central-1") == 5)
        #expect(settings.cloudWatchRate(region: "ap-southeast-2") == 10)
        let groups: [GroupKey] = ((0..<15).map { "/home/\($0)" } + (0..<15).map { "111122223333:eu-central-1:/app/\($0)" }).map { GroupKey($0) }
        let found = DeliveryEstimate.of(groups: groups, DeliveryEstimate.Settings(pollSeconds: 1, reconcileSeconds: 900, tailMaxOverlapSeconds: 900,
                                                                                   defaultRegion: "us-east-1", perSecond: settings.cloudWatchRate(region:)))
        #expect(found.map(\.pollShort) == [false, true] && found.map(\.budgetPerSecond) == [25, 5] && found[1].pollSeconds == 4)
        settings.cloudWatchMaxRPS = 40
        #expect(settings.cloudWatchRate(region: "eu-central-1") == 40)
    }
}
