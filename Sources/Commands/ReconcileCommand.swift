import Engine
import Glibc

/// `logstream reconcile`: prove completeness per window; repair, or with --dry-run report.
enum ReconcileCommand {
    /// The newest minutes are still settling in CloudWatch (late events); leave them to the next run.
    static let settleMillis: EpochMillis = 120_000

    static func run(_ invocation: Invocation, environment: [String: String]) async throws -> Int32 {
        let settings = try CLI.settings(invocation, environment: environment)
        let now = WallClock.nowMillis()
        var range = try TimeRangeOptions.range(invocation, defaultDays: settings.backfillDays, now: now)
        range.end = min(range.end, now - settleMillis)
        guard !range.isEmpty else {
            throw UsageError(message: "nothing to check: the range ends within the last \(settleMillis / 1000) seconds, which are still settling", commandPath: invocation.path)
        }
        let options = ReconcileOptions(dryRun: invocation.has(.dryRun), deleteExtras: invocation.has(.deleteExtras), counts: settings.reconcileCounts,
                                       hourlyCoverage: true)
        let (meter, view) = ProgressView.start(invocation, label: "reconcile")
        let reports = try await Engine(settings: settings, environment: environment).reconcile(range: range, options: options, progress: meter)
        await view?.finish()
        let map = CoverageMap(reports: reports)
        if invocation.has(.json) {
            Output.print(json(reports, map: map, options: options))
        } else {
            let color = isatty(1) == 1 && (environment["NO_COLOR"] ?? "").isEmpty
            Output.print(table(reports, options: options) + "\n\n" + CoverageMapView.text(map, color: color))
        }
        if let path = invocation.value(.report) {
            let page = CoverageReport.html(map, reports: reports, settings: settings, dryRun: options.dryRun, generated: now)
            do {
                try FileIO.replaceAtomically(path: path, with: Array(page.utf8), mode: 0o644)
            } catch {
                Output.error("logstream reconcile: could not write the report to \(path) (--report): \(error)")
                return 1
            }
        }
        if reports.contains(where: { $0.error != nil }) { return 1 }
        return reports.allSatisfy(\.consistent) ? 0 : 3
    }

    static func status(_ report: ReconcileReport, _ options: ReconcileOptions) -> String {
        if let error = report.error { return "failed: \(error)" }
        if let skipped = report.skipped { return "skipped: \(skipped)" }
        if report.discrepancies.isEmpty { return "consistent" }
        if report.consistent { return "repaired" }
        return options.dryRun ? "discrepancies (dry run)" : "discrepancies remain"
    }

    static func table(_ reports: [ReconcileReport], options: ReconcileOptions) -> String {
        let headers = ["GROUP", "WINDOWS", "BAD", "MISSING", "RESHIPPED", "DUPLICATES", "EXTRAS", "CW-QUERIES", "ES-QUERIES", "STATUS"]
        let rows = reports.map { report in
            [report.group, String(report.windowsChecked), String(report.discrepancies.count),
             String(report.discrepancies.reduce(0) { $0 + $1.missing }), String(report.reshipped),
             String(report.discrepancies.reduce(0) { $0 + $1.duplicates }), String(report.extrasFound),
             String(report.cloudWatchQueries), String(report.elasticsearchQueries), status(report, options)]
        }
        return "range \(reports.first?.range.description ?? "-")\n" + TextTable.render(headers: headers, rows: rows)
    }

    static func json(_ reports: [ReconcileReport], map: CoverageMap, options: ReconcileOptions) -> String {
        let groups: [JSONValue] = zip(reports, map.rows).map { report, row in
            let windows: [JSONValue] = report.discrepancies.map { item in
                [
                    "start": .string(Timestamp.format(item.range.start)), "end": .string(Timestamp.format(item.range.end)),
                    "cloudwatch_count": .int(item.cloudWatch.count), "elasticsearch_count": .int(item.elasticsearch.count),
                    "missing": .int(item.missing), "duplicates": .int(item.duplicates), "extras": .int(item.extras),
                    "resolved": .bool(item.resolved),
                ]
            }
            var members: [JSONMember] = [
                JSONMember("group", .string(report.group)),
                JSONMember("windows_checked", .int(report.windowsChecked)),
                JSONMember("discrepancies", .array(windows)),
                JSONMember("reshipped", .int(report.reshipped)),
                JSONMember("duplicates_removed", .int(report.duplicatesRemoved)),
                JSONMember("extras_found", .int(report.extrasFound)),
                JSONMember("extras_deleted", .int(report.extrasDeleted)),
                JSONMember("cloudwatch_queries", .int(report.cloudWatchQueries)),
                JSONMember("elasticsearch_queries", .int(report.elasticsearchQueries)),
                JSONMember("consistent", .bool(report.consistent)),
                JSONMember("status", .string(status(report, options))),
                JSONMember("coverage", CoverageMapView.json(row)),
            ]
            if let error = report.error { members.append(JSONMember("error", .string(error.description))) }
            return .object(members)
        }
        let range = reports.first?.range
        return JSONValue.object([
            JSONMember("range", range.map { ["start": .string(Timestamp.format($0.start)), "end": .string(Timestamp.format($0.end))] } ?? .null),
            JSONMember("dry_run", .bool(options.dryRun)),
            JSONMember("coverage_cell", .string(map.cellMillis == WallClock.millisPerDay ? "day" : "hour")),
            JSONMember("groups", .array(groups)),
        ]).serializedString
    }
}
