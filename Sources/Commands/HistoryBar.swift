import Engine

/// A group's last days at a glance, oldest left, one character per day: `█` shipped and
/// verified, `▓` shipped, `▒` partly shipped, `·` nothing shipped (letters `V`, `S`, `s`,
/// `.` when not on a terminal).
enum HistoryBar {
    static func render(_ days: [(start: EpochMillis, state: CheckpointState.Group.DayState)], plain: Bool) -> String {
        days.map { day in
            switch day.state {
            case .verified: return plain ? "V" : "█"
            case .shipped: return plain ? "S" : "▓"
            case .partly: return plain ? "s" : "▒"
            case .none: return plain ? "." : "·"
            }
        }.joined()
    }
}
