import Testing
@testable import Engine

@Suite struct ExpiredCredentialsTests {
    /// Credentials without an expiry (a profile's, the environment's) are cached for the
    /// life of the process; when CloudWatch then says they expired, the chain is resolved
    /// again (the file or the role may have been renewed) and the request sent again.
    @Test func anExpiredTokenAnswerResolvesTheChainAgainAndRetries() async throws {
        let cloudWatch = ScriptedCloudWatch([
            (400, "ExpiredTokenException", #"{"__type":"ExpiredTokenException","message":"The security token included in the request is expired"}"#),
            ScriptedCloudWatch.emptyPage,
        ])
        let chain = CountingCredentials()
        let client = cloudWatch.client(credentials: CachedCredentials(chain))
        let page = try await client.filterLogEvents(group: "/g", start: 1, endInclusive: nil, nextToken: nil, purpose: .tail)
        #expect(page.events.isEmpty)
        #expect(cloudWatch.requests == 2)
        #expect(chain.resolved == 2)
    }

    /// Still expired after a fresh resolution: a clear error, not a loop.
    @Test func credentialsStillExpiredAfterRenewalFailWithTheReason() async throws {
        let cloudWatch = ScriptedCloudWatch([
            (400, "ExpiredTokenException", #"{"__type":"ExpiredTokenException","message":"The security token included in the request is expired"}"#),
        ])
        let chain = CountingCredentials()
        let client = cloudWatch.client(credentials: CachedCredentials(chain))
        await #expect(throws: CloudWatchError.self) {
            _ = try await client.filterLogEvents(group: "/g", start: 1, endInclusive: nil, nextToken: nil, purpose: .tail)
        }
        #expect(cloudWatch.requests == 2)
        #expect(chain.resolved == 2)
    }
}
