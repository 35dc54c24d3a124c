import Testing
@testable import Engine

@Suite struct IndexLayoutTests {
    @Test(arguments: [
        ("/aws/lambda/My_Fn", "aws-lambda-my-fn"),
        ("/ecs/app-prod/service", "ecs-app-prod-service"),
        ("API-Gateway-Execution-Logs_abc123/prod", "api-gateway-execution-logs-abc123-prod"),
        ("///", "log-group"),
        ("grüße/été", "gr-e-t"),
        ("/api/v1", "api-v1-log"),
        ("/svc/V22", "svc-v22-log"),
        ("/svc/v2beta", "svc-v2beta"),
    ])
    func slugIsLowerCaseWithSingleDashes(group: String, slug: String) {
        #expect(IndexLayout.slug(GroupKey(group)) == slug)
    }

    @Test func namesFollowTheStableAndVersionedLayout() {
        let layout = IndexLayout(prefix: "cloudwatch")
        #expect(layout.stableName(for: "/ecs/web") == "cloudwatch-ecs-web")
        #expect(layout.versionedName(for: "/ecs/web", version: 1) == "cloudwatch-ecs-web-v1")
        #expect(layout.versionedName(for: "/ecs/web", version: 2) == "cloudwatch-ecs-web-v2")
        #expect(layout.pattern == "cloudwatch-*")
    }

    @Test func veryLongGroupNamesStayWithinIndexNameLimitsAndUnique() {
        let a = GroupKey("/aws/" + String(repeating: "x", count: 500) + "/a")
        let b = GroupKey("/aws/" + String(repeating: "x", count: 500) + "/b")
        #expect(IndexLayout.slug(a).utf8.count < 200)
        #expect(IndexLayout.slug(a) != IndexLayout.slug(b))
    }

    @Test func aStableNameIsNeverAnotherGroupsVersionedTarget() {
        let layout = IndexLayout(prefix: "cloudwatch")
        let names: [GroupKey] = ["/api", "/api/v1", "/api/v2", "/api/v1/v1"]
        let stable = Set(names.map { layout.stableName(for: $0) })
        let versioned = Set(names.flatMap { [layout.versionedName(for: $0, version: 1), layout.versionedName(for: $0, version: 2)] })
        #expect(stable.isDisjoint(with: versioned))
        #expect(stable.count == names.count)
    }
}
