import Engine

/// `reconcile --report FILE.html`: a self-contained page (no external assets) to attach to
/// an incident ticket — per group an SVG heat map of the range (state, CloudWatch's count
/// and Elasticsearch's count per cell), what the run cost on each side, and the settings
/// it ran with (never a secret).
enum CoverageReport {
    static let colors: [CoverageMap.State: String] = [
        .verified: "#2e9d4f", .repaired: "#e0a800", .differing: "#d62f2f", .silent: "#a23cc4", .unverified: "#c9c9c9", .empty: "#f0f0f0",
    ]

    static func html(_ map: CoverageMap, reports: [ReconcileReport], settings: Settings, dryRun: Bool, generated: EpochMillis) -> String {
        let unit = map.cellMillis == WallClock.millisPerDay ? "day" : "hour"
        var page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>logstream coverage \(escape(reports.first?.range.description ?? ""))</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
        h1{font-size:20px}h2{font-size:16px;margin:24px 0 4px}
        table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}
        .legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
        svg text{font:10px system-ui,sans-serif;fill:#555}
        </style></head><body>
        <h1>Coverage of CloudWatch Logs in Elasticsearch</h1>
        <p>Range \(escape(reports.first?.range.description ?? "-")), one cell per \(unit); \(dryRun ? "dry run: nothing was repaired" : "differences were repaired where possible").
        Generated \(Timestamp.format(generated)).</p>
        <p class="legend">
        """
        for state in CoverageMap.State.allCases {
            page += "<span style=\"background:\(colors[state]!)\"></span>\(escape(state.meaning))"
        }
        page += "</p>\n"
        for (row, report) in zip(map.rows, reports) {
            page += "<h2>\(escape(row.group))</h2>\n"
            page += svg(row)
            page += "<p>CloudWatch queries \(report.cloudWatchQueries), Elasticsearch queries \(report.elasticsearchQueries); "
                + "windows differing \(report.discrepancies.count), reshipped \(report.reshipped), surplus copies removed \(report.duplicatesRemoved)"
                + (report.error.map { "; <strong>failed: \(escape($0.description))</strong>" } ?? "") + "</p>\n"
        }
        page += "<h2>Settings of this run</h2>\n<table>\n"
        for (name, value) in shownSettings(settings) {
            page += "<tr><th>\(escape(name))</th><td>\(escape(value))</td></tr>\n"
        }
        page += "</table>\n</body></html>\n"
        return page
    }

    /// Three rows of cells: the state, CloudWatch's count and Elasticsearch's count (darker: more).
    static func svg(_ row: CoverageMap.Row) -> String {
        let size = 12, gap = 1, top = 14
        let width = row.cells.count * (size + gap) + 90
        let most = max(1, row.cells.map { max($0.cloudWatch, $0.elasticsearch) }.max() ?? 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(top + 3 * (size + gap) + 4)\" role=\"img\">\n"
        for (line, label) in ["state", "CloudWatch", "Elasticsearch"].enumerated() {
            svg += "<text x=\"0\" y=\"\(top + line * (size + gap) + size - 2)\">\(label)</text>\n"
        }
        for (index, cell) in row.cells.enumerated() {
            let x = 90 + index * (size + gap)
            let title = "\(Timestamp.format(cell.start)): \(cell.state.meaning); CloudWatch \(cell.cloudWatch), Elasticsearch \(cell.elasticsearch)"
            svg += "<rect class=\"cell \(cell.state.rawValue)\" x=\"\(x)\" y=\"\(top)\" width=\"\(size)\" height=\"\(size)\" fill=\"\(colors[cell.state]!)\"><title>\(escape(title))</title></rect>"
            for (line, count) in [cell.cloudWatch, cell.elasticsearch].enumerated() {
                let shade = count == 0 ? 0.05 : 0.2 + 0.8 * Double(count) / Double(most)
                svg += "<rect class=\"count\" x=\"\(x)\" y=\"\(top + (line + 1) * (size + gap))\" width=\"\(size)\" height=\"\(size)\" fill=\"#1f5fbf\" fill-opacity=\"\(format3(shade))\"/>"
            }
            svg += "\n"
        }
        return svg + "</svg>\n"
    }

    /// The settings that say what was compared, never credentials (ES_HOST without user:password).
    static func shownSettings(_ settings: Settings) -> [(String, String)] {
        [
            ("LOG_GROUPS", settings.logGroups.joined(separator: ",")), ("AWS_REGION", settings.region ?? "-"),
            ("ES_HOST", redactedURL(settings.esHost)), ("INDEX_PREFIX", settings.indexPrefix),
            ("RECONCILE_COUNTS", settings.reconcileCounts.rawValue), ("CHECKPOINT_PATH", settings.checkpointPath),
        ]
    }

    static func format3(_ value: Double) -> String {
        let scaled = Int((value * 1000).rounded())
        return "\(scaled / 1000).\(String(repeating: "0", count: 3 - String(scaled % 1000).count))\(scaled % 1000)"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
