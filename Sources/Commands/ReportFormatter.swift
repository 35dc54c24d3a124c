import Engine

/// Per-group results as a table for people or JSON for scripts.
enum ReportFormatter {
    static func table(_ reports: [GroupReport], range: TimeRange?) -> String {
        let headers = ["GROUP", "INDEX", "READ", "CREATED", "ALREADY", "REWRITTEN", "DEAD-LETTER", "STATUS"]
        let rows = reports.map { report in
            [report.group, report.index, String(report.eventsRead), String(report.outcome.created), String(report.outcome.alreadyPresent),
             String(report.outcome.rewritten), String(report.outcome.deadLettered), report.error == nil ? "ok" : "failed: \(report.error!)"]
        }
        let table = TextTable.render(headers: headers, rows: rows)
        return (range.map { "range \($0)\n" } ?? "") + table
    }

    static func json(_ reports: [GroupReport], range: TimeRange?) -> String {
        let groups: [JSONValue] = reports.map { report in
            var members: [JSONMember] = [
                JSONMember("group", .string(report.group)),
                JSONMember("index", .string(report.index)),
                JSONMember("read", .int(report.eventsRead)),
                JSONMember("created", .int(report.outcome.created)),
                JSONMember("already_present", .int(report.outcome.alreadyPresent)),
                JSONMember("rewritten", .int(report.outcome.rewritten)),
                JSONMember("dead_lettered", .int(report.outcome.deadLettered)),
                JSONMember("ok", .bool(report.error == nil)),
            ]
            if let error = report.error { members.append(JSONMember("error", .string(error.description))) }
            return .object(members)
        }
        var members = [JSONMember("groups", .array(groups))]
        if let range {
            members.insert(JSONMember("range", ["start": .string(Timestamp.format(range.start)), "end": .string(Timestamp.format(range.end))]), at: 0)
        }
        let document = JSONValue.object(members)
        return document.serializedString
    }
}
