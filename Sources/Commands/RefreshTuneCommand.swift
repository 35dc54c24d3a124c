import Engine

/// `logstream refresh-tune`: hot indices refresh often, cold ones rarely.
enum RefreshTuneCommand {
    static func run(_ invocation: Invocation, environment: [String: String]) async throws -> Int32 {
        let settings = try CLI.settings(invocation, environment: environment)
        let engine = Engine(settings: settings, environment: environment)
        let dryRun = invocation.has(.dryRun)
        let decisions = try await engine.refreshTune(dryRun: dryRun)
        Output.print(invocation.has(.json) ? json(decisions, dryRun: dryRun) : table(decisions, dryRun: dryRun))
        return 0
    }

    static func action(_ decision: RefreshTuner.Decision, dryRun: Bool) -> String {
        guard decision.changes else { return "unchanged" }
        return dryRun ? "would set" : "set"
    }

    static func table(_ decisions: [RefreshTuner.Decision], dryRun: Bool) -> String {
        guard !decisions.isEmpty else { return "no logstream indices with documents found" }
        let rows = decisions.map { decision in
            [decision.index, Timestamp.format(decision.newest), decision.hot ? "hot" : "cold", decision.current ?? "default",
             decision.target, action(decision, dryRun: dryRun)]
        }
        return TextTable.render(headers: ["INDEX", "NEWEST", "STATE", "REFRESH", "TARGET", "ACTION"], rows: rows)
    }

    static func json(_ decisions: [RefreshTuner.Decision], dryRun: Bool) -> String {
        let indices: [JSONValue] = decisions.map { decision in
            [
                "index": .string(decision.index), "newest": .string(Timestamp.format(decision.newest)),
                "state": .string(decision.hot ? "hot" : "cold"), "refresh_interval": decision.current.map { .string($0) } ?? .null,
                "target": .string(decision.target), "action": .string(action(decision, dryRun: dryRun)),
            ]
        }
        return JSONValue.object([JSONMember("dry_run", .bool(dryRun)), JSONMember("indices", .array(indices))]).serializedString
    }
}
