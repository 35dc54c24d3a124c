import Foundation
import Testing
@testable import Engine

@Suite struct SourcesTests {
    @Test func sourcesAreReadBesideTheSettings() throws {
        let path = try temporaryConfig("""
            batch_size = 50
            [[source]]
            name = "payments"
            region = "eu-west-1"
            log_groups = ["/aws/lambda/*", "/ecs/web"]
            role_arn = "arn:aws:iam::111111111111:role/reader"
            external_id = "central"

            [[source]]
            region = "us-east-2"
            log_groups = "/a, /b"
            profile = "ops"
            """)
        let settings = try SettingsLoader(environment: ["HOME": "/nonexistent"], configPath: path).load()
        #expect(settings.batchSize == 50)
        #expect(settings.sources == [
            SourceConfig(name: "payments", region: "eu-west-1", logGroups: ["/aws/lambda/*", "/ecs/web"], roleArn: "arn:aws:iam::111111111111:role/reader", externalId: "central"),
            SourceConfig(name: "source 2", region: "us-east-2", logGroups: ["/a", "/b"], profile: "ops"),
        ])
        #expect(settings.sources[0].roleAccount == "111111111111")
        // Only sources: the default source has no groups, and that is fine.
        #expect(try settings.requireCloudWatch().groups.isEmpty)
    }

    @Test(arguments: [
        ("[[source]]\nlog_groups = [\"/a\"]", "'region' is missing"),
        ("[[source]]\nregion = \"eu-west-1\"", "'log_groups' is missing"),
        ("[[source]]\nregion = \"eu-west-1\"\nlog_groups = [\"/a\"]\nrole = \"x\"", "unknown key 'role'"),
        ("[[source]]\nregion = \"eu-west-1\"\nlog_groups = [\"/a\"]\nrole_arn = \"reader\"", "is not a role ARN"),
        ("source = \"x\"", "must be written [[source]]"),
    ])
    func badSourcesAreExplained(text: String, message: String) throws {
        let path = try temporaryConfig(text)
        do {
            _ = try SettingsLoader(environment: ["HOME": "/nonexistent"], configPath: path).load()
            Issue.record("accepted \(text)")
        } catch let error as ConfigError {
            #expect(error.description.contains(message) && error.description.contains(path), "\(error)")
        }
    }

    @Test func keysOfTheDefaultSourceAreNamesAndOthersAreQualified() {
        let plain = GroupKey("/aws/lambda/api")
        #expect(plain.account == nil && plain.region == nil && plain.source == nil && plain.name == "/aws/lambda/api")
        let key = GroupKey(account: "111111111111", region: "eu-west-1", name: "/aws/lambda/api")
        #expect(key.rawValue == "111111111111:eu-west-1:/aws/lambda/api" && GroupKey(key.rawValue) == key)
        #expect(key.account == "111111111111" && key.region == "eu-west-1" && key.name == "/aws/lambda/api")
        #expect(key.source == "111111111111:eu-west-1")
        // Ids and index names differ by source; the default source's are what they always were.
        #expect(DocumentID.make(logGroup: key.rawValue, eventId: "e") != DocumentID.make(logGroup: "/aws/lambda/api", eventId: "e"))
        #expect(IndexLayout(prefix: "cloudwatch").stableName(for: "/aws/lambda/api") == "cloudwatch-aws-lambda-api")
        #expect(IndexLayout(prefix: "cloudwatch").stableName(for: key) == "cloudwatch-111111111111-eu-west-1-aws-lambda-api")
    }

    @Test func documentsOfASourceCarryItsAccountRegionAndSource() throws {
        let builder = DocumentBuilder(region: "us-east-1", account: "123456789012")
        let event = LogEvent(eventId: "e1", timestamp: 0, ingestionTime: nil, message: "m", logStream: "s")
        let key = GroupKey(account: "111111111111", region: "eu-west-1", name: "/g")
        let sourced = try JSONParser().parse(builder.document(for: event, logGroup: key, index: "x").source)
        #expect(sourced["cloud"]?["account"]?["id"] == "111111111111" && sourced["cloud"]?["region"] == "eu-west-1")
        #expect(sourced["aws"]?["cloudwatch"]?["log_group"] == "/g" && sourced["logstream"]?["source"] == "111111111111:eu-west-1")
        let plain = try JSONParser().parse(builder.document(for: event, logGroup: "/g", index: "x").source)
        #expect(plain["cloud"]?["account"]?["id"] == "123456789012" && plain["logstream"]?["source"] == nil)
        #expect(builder.document(for: event, logGroup: "/g", index: "x").id == DocumentID.make(logGroup: "/g", eventId: "e1"))
    }
}
