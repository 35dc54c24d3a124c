import Foundation

/// Reads the times operators type on the command line: RFC 3339 (`2024-05-01T00:00:00Z`,
/// `2024-05-01`), `now`, or an age such as `90m`, `36h`, `7d`, `2w` meaning that long ago.
public enum TimeExpression {
    public static func parse(_ text: String, now: EpochMillis) -> EpochMillis? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "now" { return now }
        if let age = parseAge(trimmed) { return now - age }
        return Timestamp.parse(text.trimmingCharacters(in: .whitespaces))
    }

    /// `90s`, `15m`, `36h`, `7d`, `2w` in milliseconds.
    static func parseAge(_ text: String) -> EpochMillis? {
        guard let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1000
        case "m": scale = 60_000
        case "h": scale = 3_600_000
        case "d": scale = 86_400_000
        case "w": scale = 7 * 86_400_000
        default: return nil
        }
        return amount * scale
    }
}
