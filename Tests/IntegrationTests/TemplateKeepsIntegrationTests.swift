@testable import Engine
import Foundation
import Testing

/// The index template as users extend it, against the rig's engine: what they add to
/// logstream's template survives a restart, and their `<prefix>@custom` component reaches
/// every target logstream creates.
@Suite struct TemplateKeepsIntegrationTests {
    @Test func theUsersComponentReachesNewTargetsAndWhatTheyAddedSurvivesARestart() async throws {
        try await Rig.with { rig in
            let es = rig.elasticsearch()
            let now = WallClock.nowMillis()
            let environment = { (groups: [String]) in rig.environment(groups: groups, checkpointPath: rig.directory + "/cp.json") }
            try await rig.put(group: "/keep/first", events: (0..<5).map { (now - 60_000 + EpochMillis($0), "first \($0)", "s") })
            let first = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1"], environment: environment(["/keep/first"]))
            #expect(first.status == 0, "\(first.stderr)")

            // The user adds a setting to logstream's template and creates their component.
            var template = try #require(try await es.json("GET", "/_index_template/logstream-cloudwatch")["index_templates"]?.array?.first?["index_template"])
            template = Self.replacing("settings", in: "template", of: template, with: ["index": ["max_result_window": "20000"]])
            _ = try await es.json("PUT", "/_index_template/logstream-cloudwatch", template)
            _ = try await es.json("PUT", "/_component_template/cloudwatch@custom", ["template": ["settings": ["index": ["max_inner_result_window": "321"]]]])

            try await rig.put(group: "/keep/second", events: (0..<5).map { (now - 60_000 + EpochMillis($0), "second \($0)", "s") })
            let second = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "1"], environment: environment(["/keep/first", "/keep/second"]))
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stderr.contains("the index template keeps what was added to it"), "\(second.stderr)")

            let installed = try #require(try await es.json("GET", "/_index_template/logstream-cloudwatch")["index_templates"]?.array?.first?["index_template"])
            #expect(installed["template"]?["settings"]?["index"]?["max_result_window"] == "20000", "\(installed)")
            #expect(installed["composed_of"] == ["cloudwatch@custom"], "\(installed)")
            let settings = try await es.json("GET", "/cloudwatch-keep-second-v1/_settings?flat_settings=true")
            #expect(settings["cloudwatch-keep-second-v1"]?["settings"]?["index.max_inner_result_window"] == "321", "\(settings)")
            #expect(settings["cloudwatch-keep-second-v1"]?["settings"]?["index.max_result_window"] == "20000", "\(settings)")
            _ = try await es.send("POST", "/cloudwatch-keep-second/_refresh")
            #expect(try await es.count("cloudwatch-keep-second", query: ["match_all": [:]]) == 5)
        }
    }

    /// `object` with `member` of its `parent` member set to `value`.
    static func replacing(_ member: String, in parent: String, of object: JSONValue, with value: JSONValue) -> JSONValue {
        .object((object.members ?? []).map { outer in
            guard outer.key == parent else { return outer }
            let inner = (outer.value.members ?? []).filter { $0.key != member } + [JSONMember(member, value)]
            return JSONMember(parent, .object(inner))
        })
    }
}
