import Testing
@testable import Engine

/// Polling more groups per second than the tail's three quarters of CLOUDWATCH_MAX_RPS allow stretches the interval.
@Suite struct PollBudgetTests {
    @Test func fiftyGroupsEverySecondNeedFiftyRequestsASecond() {
        let groups = (0..<50).map { "/g/\($0)" }
        #expect(PollBudget.shortfalls(groups: groups, pollSeconds: 1, maxPerSecond: 10)
                == [PollBudget.Shortfall(source: "", groups: 50, neededPerSecond: 50, effectiveSeconds: 50 / 7.5)])
        #expect(PollBudget.shortfalls(groups: groups, pollSeconds: 1, maxPerSecond: 67).isEmpty)
        #expect(PollBudget.shortfalls(groups: groups, pollSeconds: 15, maxPerSecond: 10).isEmpty)
    }

    @Test func eachAccountAndRegionHasItsOwnBudget() {
        let groups = (0..<30).map { "/home/\($0)" } + (0..<30).map { "111122223333:eu-west-1:/app/\($0)" }
        let found = PollBudget.shortfalls(groups: groups, pollSeconds: 2, maxPerSecond: 10)
        #expect(found.map(\.source) == ["", "111122223333:eu-west-1"] && found.allSatisfy { $0.groups == 30 && $0.effectiveSeconds == 4 })
    }
}
