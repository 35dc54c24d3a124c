@testable import Engine
import Foundation
import Testing

/// Elasticsearch behind credentials and TLS: what works, and what an operator sees when
/// a setting is wrong — never the secret itself.
@Suite(.serialized) struct ElasticsearchAuthIntegrationTests {
    let group = "/auth/app"

    func backfill(_ rig: Rig, _ settings: [String: String]) async throws -> ProcessResult {
        var environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/cp-\(UUID().uuidString.prefix(6)).json")
        environment["ES_USER"] = ""
        environment.merge(settings) { $1 }
        return try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1", "--json"], environment: environment)
    }

    @Test func basicAuthIsSentAndAWrongPasswordIsExplainedWithoutShowingIt() async throws {
        try await Rig.with(esAuth: "basic:logstream:Corr3ct-horse") { rig in
            let seeded = try await rig.seed(groups: [group], days: 0.5, eventsPerGroup: 300)
            let good = try await backfill(rig, ["ES_USER": "logstream", "ES_PASS": "Corr3ct-horse"])
            #expect(good.status == 0, "\(good.stderr)")
            #expect(try await rig.documentCount(group: group) == seeded[group])

            let bad = try await backfill(rig, ["ES_USER": "logstream", "ES_PASS": "Wr0ng-battery-staple"])
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("401"))
            #expect(bad.stderr.contains("ES_USER/ES_PASS"))
            #expect(!(bad.stdout + bad.stderr).contains("Wr0ng-battery-staple"))
            #expect(!(good.stdout + good.stderr).contains("Corr3ct-horse"))
        }
    }

    @Test func anAPIKeyIsSentInsteadOfAUser() async throws {
        let key = "bG9nc3RyZWFtOnNlY3JldC1hcGkta2V5"
        try await Rig.with(esAuth: "apikey:\(key)") { rig in
            let seeded = try await rig.seed(groups: [group], days: 0.5, eventsPerGroup: 200)
            let good = try await backfill(rig, ["ES_USER": "someone", "ES_PASS": "ignored", "ES_API_KEY": key])
            #expect(good.status == 0, "\(good.stderr)")
            #expect(try await rig.documentCount(group: group) == seeded[group])
            let bad = try await backfill(rig, ["ES_API_KEY": "d3Jvbmcta2V5LXZhbHVl"])
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("ES_API_KEY"))
            #expect(!(bad.stdout + bad.stderr + good.stdout + good.stderr).contains(key))
            #expect(!(bad.stdout + bad.stderr).contains("d3Jvbmcta2V5LXZhbHVl"))
        }
    }

    @Test func tlsIsVerifiedAgainstTheCABundleAndRefusedWithoutIt() async throws {
        try await Rig.with(esTLS: true) { rig in
            let ca = try #require(rig.caBundle)
            #expect(rig.elasticsearchURL.hasPrefix("https://"))
            let seeded = try await rig.seed(groups: [group], days: 0.5, eventsPerGroup: 200)

            let unknownCA = try await backfill(rig, [:])
            #expect(unknownCA.status == 1)
            #expect(unknownCA.stderr.contains("ES_CA_BUNDLE"), "\(unknownCA.stderr)")

            let trusted = try await backfill(rig, ["ES_CA_BUNDLE": ca])
            #expect(trusted.status == 0, "\(trusted.stderr)")
            #expect(try await rig.documentCount(group: group) == seeded[group])

            let unverified = try await backfill(rig, ["ES_TLS_VERIFY": "false"])
            #expect(unverified.status == 0, "\(unverified.stderr)")
        }
    }
}
