import Engine

/// `logstream subscribe`: the subscription filters that deliver the groups of sources read
/// through Kinesis to their streams.
enum SubscribeCommand {
    static func run(_ invocation: Invocation, environment: [String: String]) async throws -> Int32 {
        let settings = try CLI.settings(invocation, environment: environment)
        let engine = Engine(settings: settings, environment: environment)
        let dryRun = invocation.has(.dryRun)
        let steps = try await engine.subscribe(dryRun: dryRun, role: invocation.value(.roleArn))
        Output.print(invocation.has(.json) ? json(steps, dryRun: dryRun) : table(steps))
        // 3, as reconcile and heal: something is left for the operator to settle.
        return steps.allSatisfy(\.isFine) ? 0 : 3
    }

    static func table(_ steps: [SubscriptionStep]) -> String {
        guard !steps.isEmpty else { return "no log groups found for the sources read through Kinesis" }
        let rows = steps.map { [$0.source, $0.group, $0.stream, $0.action.rawValue, $0.detail] }
        return TextTable.render(headers: ["SOURCE", "GROUP", "STREAM", "ACTION", "DETAIL"], rows: rows)
    }

    static func json(_ steps: [SubscriptionStep], dryRun: Bool) -> String {
        let groups: [JSONValue] = steps.map { step in
            ["source": .string(step.source), "group": .string(step.group), "stream": .string(step.stream),
             "action": .string(step.action.rawValue), "detail": .string(step.detail)]
        }
        return JSONValue.object([JSONMember("dry_run", .bool(dryRun)), JSONMember("groups", .array(groups))]).serializedString
    }
}
