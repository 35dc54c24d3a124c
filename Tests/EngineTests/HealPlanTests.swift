import Testing
@testable import Engine

@Suite struct HealPlanTests {
    let layout = IndexLayout(prefix: "cloudwatch")

    func caps(_ text: String) throws -> JSONValue { try JSONParser().parse(Array(text.utf8)) }

    @Test func onlyFieldsWithTypesOfDifferentFamiliesConflict() throws {
        let answer = try caps("""
            {"indices":["cloudwatch-a-v1","cloudwatch-b-v1","cloudwatch-c-v1"],"fields":{
              "json.status":{"long":{"type":"long","indices":["cloudwatch-a-v1","cloudwatch-c-v1"]},"text":{"type":"text","indices":["cloudwatch-b-v1"]}},
              "json.size":{"long":{"type":"long","indices":["cloudwatch-a-v1"]},"integer":{"type":"integer","indices":["cloudwatch-b-v1"]}},
              "json.name":{"text":{"type":"text","indices":["cloudwatch-a-v1"]},"keyword":{"type":"keyword","indices":["cloudwatch-b-v1"]}},
              "message":{"text":{"type":"text"}},
              "_id":{"_id":{"type":"_id"}, "keyword":{"type":"keyword"}}}}
            """)
        let conflicts = MappingConflict.detect(fieldCaps: answer)
        #expect(conflicts.map(\.field) == ["json.status"])
        #expect(conflicts[0].typesByIndex == ["long": ["cloudwatch-a-v1", "cloudwatch-c-v1"], "text": ["cloudwatch-b-v1"]])
    }

    @Test func theFamilyWithMostDocumentsWinsNotTheOneWithMostIndices() {
        var conflict = MappingConflict(field: "json.status", typesByIndex: ["long": ["cloudwatch-a-v1", "cloudwatch-c-v1"], "keyword": ["cloudwatch-b-v1"]])
        conflict.decide(documents: ["cloudwatch-a-v1": 10, "cloudwatch-c-v1": 5, "cloudwatch-b-v1": 900])
        #expect(conflict.winner == .string)
        #expect(conflict.winningType == "keyword")
        #expect(conflict.losingIndices == ["cloudwatch-a-v1", "cloudwatch-c-v1"])
        #expect(conflict.votes == [.number: 15, .string: 900])
    }

    @Test func losingIndicesBecomeRebuildsOfTheirGroupsTargetsOthersAreReported() {
        var status = MappingConflict(field: "json.status", typesByIndex: [
            "long": ["cloudwatch-a-v1"], "text": [".ds-cloudwatch-web-v1-2025.12.21-000002", ".ds-cloudwatch-web-v1-2025.12.22-000003", "cloudwatch-zz-old"],
        ])
        status.decide(documents: ["cloudwatch-a-v1": 100, ".ds-cloudwatch-web-v1-2025.12.21-000002": 3, ".ds-cloudwatch-web-v1-2025.12.22-000003": 4, "cloudwatch-zz-old": 1])
        var detail = MappingConflict(field: "json.detail", typesByIndex: ["object": ["cloudwatch-a-v1"], "text": ["cloudwatch-api-v1-log-v2"]])
        detail.decide(documents: ["cloudwatch-a-v1": 9, "cloudwatch-api-v1-log-v2": 2])
        let plan = HealPlan(conflicts: [detail, status], layout: layout)
        #expect(plan.rebuilds == [
            TargetRebuild(stable: "cloudwatch-api-v1-log", from: "cloudwatch-api-v1-log-v2", to: "cloudwatch-api-v1-log-v1",
                          indices: ["cloudwatch-api-v1-log-v2"], fields: ["json.detail"]),
            TargetRebuild(stable: "cloudwatch-web", from: "cloudwatch-web-v1", to: "cloudwatch-web-v2",
                          indices: [".ds-cloudwatch-web-v1-2025.12.21-000002", ".ds-cloudwatch-web-v1-2025.12.22-000003"], fields: ["json.status"]),
        ])
        #expect(plan.unmanaged == ["cloudwatch-zz-old"])
        #expect(plan.pins["json.status"] == ["type": "long"])
        #expect(plan.pins["json.detail"] == ["type": "object"])
    }

    @Test func pinsLandAtTheirPathInTheTemplateMappings() {
        let body = IndexTemplate.body(layout: layout, pins: ["json.status": ["type": "long"], "json.http.code": ["type": "keyword"]])
        let json = body["template"]?["mappings"]?["properties"]?["json"]?["properties"]
        #expect(json?["status"] == ["type": "long"])
        #expect(json?["http"]?["properties"]?["code"] == ["type": "keyword"])
        #expect(body["template"]?["mappings"]?["properties"]?["@timestamp"] == ["type": "date"])
        #expect(body["_meta"]?["pinned_fields"]?["json.status"] == ["type": "long"])
        // A pin below a field pinned as a scalar cannot apply and is left out.
        let contradictory = IndexTemplate.pinned(["properties": [:]], ["json.o": ["type": "text"], "json.o.x": ["type": "long"]])
        #expect(contradictory["properties"]?["json"]?["properties"]?["o"] == ["type": "text"])
    }

    @Test(arguments: [
        ("cloudwatch-orders-v1", "cloudwatch-orders", 1), ("cloudwatch-orders-v2", "cloudwatch-orders", 2),
        (".ds-cloudwatch-orders-v2-2025.12.21-000001", "cloudwatch-orders", 2),
    ])
    func managedTargetsAreRecognised(index: String, stable: String, version: Int) {
        let target = ManagedTarget(index: index, layout: layout)
        #expect(target?.stable == stable)
        #expect(target?.version == version)
    }

    @Test(arguments: ["cloudwatch-orders", "other-orders-v1", ".ds-logs-x-v1-2025.12.21-000001", "cloudwatch-v1"])
    func otherIndicesAreNotManaged(index: String) {
        #expect(ManagedTarget(index: index, layout: layout) == nil)
    }
}
