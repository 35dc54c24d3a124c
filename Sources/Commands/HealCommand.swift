import Engine

/// `logstream heal`: settle mapping conflicts across the prefix without losing documents.
enum HealCommand {
    static func run(_ invocation: Invocation, environment: [String: String]) async throws -> Int32 {
        let settings = try CLI.settings(invocation, environment: environment)
        let (meter, view) = ProgressView.start(invocation, label: "heal")
        let report = try await Engine(settings: settings, environment: environment).heal(dryRun: invocation.has(.dryRun), progress: meter)
        await view?.finish()
        Output.print(invocation.has(.json) ? json(report) : text(report))
        if !report.errors.isEmpty { return 1 }
        return report.remaining.isEmpty ? 0 : 3
    }

    static func text(_ report: HealReport) -> String {
        guard !report.plan.conflicts.isEmpty else { return "no mapping conflicts" }
        var out = TextTable.render(headers: ["FIELD", "WINNER", "DOCUMENTS BY TYPE", "LOSING INDICES"], rows: report.plan.conflicts.map {
            [$0.field, $0.winningType, $0.votesText(), $0.losingIndices.joined(separator: ",")]
        })
        out += "\n" + TextTable.render(headers: ["REBUILD", "INTO", "FIELDS", "COPIED", "MOVED", "VERIFIED", "OLD REMOVED"], rows: report.plan.rebuilds.map { rebuild in
            let result = report.results[rebuild.from]
            return [rebuild.from, rebuild.to, rebuild.fields.joined(separator: ","), result.map { String($0.copied) } ?? "-",
                    result.map { String($0.moved) } ?? "-", result.map { String($0.verified) } ?? "-",
                    result.map { $0.removed ? "yes" : "no" } ?? (report.dryRun ? "(dry run)" : "no")]
        })
        if !report.plan.unmanaged.isEmpty {
            out += "\nnot managed by logstream (reindex or delete them yourself): " + report.plan.unmanaged.joined(separator: ", ")
        }
        for error in report.errors { out += "\nerror: \(error)" }
        out += "\nconflicts remaining: \(report.remaining.count)" + (report.dryRun ? " (dry run: nothing was changed)" : "")
        return out
    }

    static func json(_ report: HealReport) -> String {
        let conflicts: [JSONValue] = report.plan.conflicts.map { conflict in
            [
                "field": .string(conflict.field), "winner": .string(conflict.winningType),
                "documents": .object(conflict.votes.sorted { $0.key < $1.key }.map { JSONMember($0.key.rawValue, .int($0.value)) }),
                "types": .object(conflict.typesByIndex.keys.sorted().map { JSONMember($0, .array(conflict.typesByIndex[$0]!.map { .string($0) })) }),
                "losing_indices": .array(conflict.losingIndices.map { .string($0) }),
            ]
        }
        let rebuilds: [JSONValue] = report.plan.rebuilds.map { rebuild in
            var members = [
                JSONMember("from", .string(rebuild.from)), JSONMember("to", .string(rebuild.to)), JSONMember("alias", .string(rebuild.stable)),
                JSONMember("fields", .array(rebuild.fields.map { .string($0) })),
            ]
            if let result = report.results[rebuild.from] {
                members += [JSONMember("copied", .int(result.copied)), JSONMember("moved_values", .int(result.moved)),
                            JSONMember("verified", .int(result.verified)), JSONMember("old_removed", .bool(result.removed))]
            }
            return .object(members)
        }
        return JSONValue.object([
            JSONMember("dry_run", .bool(report.dryRun)),
            JSONMember("conflicts", .array(conflicts)),
            JSONMember("rebuilds", .array(rebuilds)),
            JSONMember("unmanaged", .array(report.plan.unmanaged.map { .string($0) })),
            JSONMember("errors", .array(report.errors.map { .string($0) })),
            JSONMember("remaining", .array(report.remaining.map { .string($0.field) })),
        ]).serializedString
    }
}
