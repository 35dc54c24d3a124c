import Engine

/// The coverage map in text: coloured blocks on a terminal, letters elsewhere (or with
/// NO_COLOR), one row per group and one cell per hour or day; and the same cells as JSON.
enum CoverageMapView {
    static func letter(_ state: CoverageMap.State) -> String {
        switch state {
        case .verified: return "#"
        case .repaired: return "R"
        case .differing: return "X"
        case .silent: return "S"
        case .unverified: return "?"
        case .empty: return "."
        }
    }

    /// ANSI colour of a state's block.
    static func color(_ state: CoverageMap.State) -> String {
        switch state {
        case .verified: return "32"
        case .repaired: return "33"
        case .differing: return "31"
        case .silent: return "35"
        case .unverified: return "2"
        case .empty: return "2"
        }
    }

    static func glyph(_ state: CoverageMap.State, color useColor: Bool) -> String {
        guard useColor else { return letter(state) }
        let block = state == .empty ? "░" : state == .unverified ? "·" : "█"
        return "\u{1B}[\(color(state))m\(block)\u{1B}[0m"
    }

    static func text(_ map: CoverageMap, color: Bool) -> String {
        guard let first = map.rows.first?.cells.first else { return "" }
        let unit = map.cellMillis == WallClock.millisPerDay ? "day" : "hour"
        let width = max(5, map.rows.map(\.group.count).max() ?? 0)
        var lines = ["coverage, one cell per \(unit) from \(Timestamp.format(first.start)) (UTC)"]
        for row in map.rows {
            lines.append(row.group + String(repeating: " ", count: width - row.group.count) + "  " + row.cells.map { glyph($0.state, color: color) }.joined())
        }
        let present = Set(map.rows.flatMap { $0.cells.map(\.state) })
        let legend = CoverageMap.State.allCases.filter(present.contains).map { "\(glyph($0, color: color)) \($0.meaning)" }
        lines.append(String(repeating: " ", count: width + 2) + legend.joined(separator: "   "))
        return lines.joined(separator: "\n")
    }

    static func json(_ row: CoverageMap.Row) -> JSONValue {
        .array(row.cells.map { cell in
            [
                "start": .string(Timestamp.format(cell.start)), "end": .string(Timestamp.format(cell.end)), "state": .string(cell.state.rawValue),
                "cloudwatch": .int(cell.cloudWatch), "elasticsearch": .int(cell.elasticsearch),
            ]
        })
    }
}
