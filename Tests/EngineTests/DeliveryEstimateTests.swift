import Testing
@testable import Engine

/// Polling more groups per second than the tail's three quarters of the account and
/// region's request budget allow stretches the interval.
@Suite struct PollBudgetTests {
    @Test func fiftyGroupsEverySecondNeedFiftyRequestsASecond() {
        let groups = (0..<50).map { "/g/\($0)" }
        #expect(PollBudget.shortfalls(groups: groups, pollSeconds: 1, defaultRegion: "eu-west-1") { _ in 10 }
                == [PollBudget.Shortfall(source: "", groups: 50, neededPerSecond: 50, budgetPerSecond: 10, effectiveSeconds: 50 / 7.5)])
        #expect(PollBudget.shortfalls(groups: groups, pollSeconds: 1, defaultRegion: "eu-west-1") { _ in 67 }.isEmpty)
        #expect(PollBudget.shortfalls(groups: groups, pollSeconds: 15, defaultRegion: "eu-west-1") { _ in 10 }.isEmpty)
    }

    @Test func eachAccountAndRegionHasItsOwnBudget() {
        let groups = (0..<30).map { "/home/\($0)" } + (0..<30).map { "111122223333:eu-west-1:/app/\($0)" }
        let found = PollBudget.shortfalls(groups: groups, pollSeconds: 2, defaultRegion: "eu-west-1") { _ in 10 }
        #expect(found.map(\.source) == ["", "111122223333:eu-west-1"] && found.allSatisfy { $0.groups == 30 && $0.effectiveSeconds == 4 })
    }

    /// Unset, the budget is the region's FilterLogEvents quota: the same thirty groups fit
    /// us-east-1's 25 requests a second and not eu-central-1's 5.
    @Test func withoutASettingTheBudgetIsTheRegionsQuota() throws {
        var settings = try Settings(resolved: try SettingsLoader(environment: [:]).resolve())
        #expect(settings.cloudWatchMaxRPS == nil)
        #expect(settings.cloudWatchRate(region: "us-east-1") == 25)
        #expect(settings.cloudWatchRate(region: "eu-central-1") == 5)
        #expect(settings.cloudWatchRate(region: "ap-southeast-2") == 10)
        let groups = (0..<15).map { "/home/\($0)" } + (0..<15).map { "111122223333:eu-central-1:/app/\($0)" }
        let found = PollBudget.shortfalls(groups: groups, pollSeconds: 1, defaultRegion: "us-east-1", perSecond: settings.cloudWatchRate(region:))
        #expect(found == [PollBudget.Shortfall(source: "111122223333:eu-central-1", groups: 15, neededPerSecond: 15, budgetPerSecond: 5, effectiveSeconds: 4)])
        settings.cloudWatchMaxRPS = 40
        #expect(settings.cloudWatchRate(region: "eu-central-1") == 40)
    }
}
