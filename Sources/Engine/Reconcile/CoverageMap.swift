/// What a reconcile run established about each hour of each group's range, as the cells of
/// the map `reconcile` draws: which hours are verified complete, repaired now, still
/// differing, not compared, or empty in CloudWatch itself — and whether such an empty hour
/// is a quiet one or a silent source (the seasonal model expected events).
public struct CoverageMap: Sendable, Equatable {
    /// Worst first: a cell that spans several hours takes the worst state among them.
    public enum State: String, Sendable, CaseIterable, Comparable {
        case differing
        case silent
        case repaired
        case unverified
        case verified
        case empty

        public static func < (lhs: State, rhs: State) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }

        public var meaning: String {
            switch self {
            case .differing: return "still differing"
            case .silent: return "CloudWatch empty where events were expected"
            case .repaired: return "repaired now"
            case .unverified: return "not verified (not compared in this run)"
            case .verified: return "verified"
            case .empty: return "no events in CloudWatch (usual for the hour)"
            }
        }
    }

    public struct Cell: Sendable, Equatable {
        public var start: EpochMillis
        public var end: EpochMillis
        public var state: State
        /// Events CloudWatch holds in the cell.
        public var cloudWatch: Int
        /// Documents Elasticsearch held when compared, before any repair (the command counts
        /// them per hour; without those counts, CloudWatch's).
        public var elasticsearch: Int
    }

    public struct Row: Sendable, Equatable {
        public var group: String
        public var cells: [Cell]
    }

    /// One hour, or one day for ranges too long to show hour by hour.
    public var cellMillis: EpochMillis
    public var rows: [Row]

    /// Hour cells up to `maxHourCells` hours of range, day cells beyond.
    public init(reports: [ReconcileReport], maxHourCells: Int = 96) {
        let hour = WallClock.millisPerHour
        let span = reports.map(\.range.duration).max() ?? 0
        let cell = span > EpochMillis(maxHourCells) * hour ? WallClock.millisPerDay : hour
        cellMillis = cell
        rows = reports.map { report in
            let hours = Self.hourCells(report)
            guard cell > hour else { return Row(group: report.group, cells: hours) }
            var days: [Cell] = []
            for cell in hours {
                let day = cell.start / WallClock.millisPerDay * WallClock.millisPerDay
                if let last = days.last, last.start == day {
                    days[days.count - 1] = Cell(start: day, end: cell.end, state: min(last.state, cell.state),
                                                cloudWatch: last.cloudWatch + cell.cloudWatch, elasticsearch: last.elasticsearch + cell.elasticsearch)
                } else {
                    days.append(Cell(start: day, end: cell.end, state: cell.state, cloudWatch: cell.cloudWatch, elasticsearch: cell.elasticsearch))
                }
            }
            return Row(group: report.group, cells: days)
        }
    }

    /// Every hour the report's range touches, with what the run knows of it.
    static func hourCells(_ report: ReconcileReport) -> [Cell] {
        let hour = WallClock.millisPerHour
        let finished = !report.stoppedEarly && report.error == nil && report.skipped == nil
        var cells: [Cell] = []
        var start = report.range.start / hour * hour
        while start < report.range.end {
            let end = start + hour
            let cloudWatch = report.cloudWatchPerHour[start] ?? report.cloudWatchHourly[start]
            let compared = cloudWatch != nil || finished
            let count = cloudWatch ?? 0
            let stored = report.elasticsearchPerHour[start] ?? count
            // Differing windows inside the hour, and any that reach into it (for repairs).
            let inside = report.discrepancies.filter { $0.range.start >= start && $0.range.end <= end }
            let touching = report.discrepancies.filter { $0.range.start < end && start < $0.range.end }
            let state: State
            if !compared {
                state = .unverified
            } else if stored != count || !inside.isEmpty {
                state = !report.dryRun && !touching.isEmpty && touching.allSatisfy(\.resolved) ? .repaired : .differing
            } else if count == 0 {
                state = report.silentHours.contains(start) ? .silent : .empty
            } else {
                state = .verified
            }
            cells.append(Cell(start: start, end: end, state: state, cloudWatch: count, elasticsearch: compared ? stored : 0))
            start = end
        }
        return cells
    }
}
