import Glibc

public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug, info, warn, error

    public var name: String {
        switch self {
        case .debug: return "debug"
        case .info: return "info"
        case .warn: return "warn"
        case .error: return "error"
        }
    }

    public init?(name: String) {
        guard let level = LogLevel.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = level
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// Structured log lines on stderr: `key=value` text for people, one JSON object per line
/// for log shippers. One line per event, with the fields operators filter on.
public enum Log {
    private static let state = Locked<(level: LogLevel, format: LogFormat)>((.info, .text))

    public static func configure(level: LogLevel, format: LogFormat) {
        state.withLock { $0 = (level, format) }
    }

    public static var format: LogFormat { state.withLock { $0.format } }

    static func debug(_ message: String, _ fields: (String, Any)...) { emit(.debug, message, fields) }
    public static func info(_ message: String, _ fields: (String, Any)...) { emit(.info, message, fields) }
    static func warn(_ message: String, _ fields: (String, Any)...) { emit(.warn, message, fields) }
    static func error(_ message: String, _ fields: (String, Any)...) { emit(.error, message, fields) }

    static func emit(_ level: LogLevel, _ message: String, _ fields: [(String, Any)]) {
        let (minimum, format) = state.withLock { ($0.level, $0.format) }
        guard level >= minimum else { return }
        let time = Timestamp.format(WallClock.nowMillis())
        var line: [UInt8]
        switch format {
        case .json:
            var writer = JSONWriter(capacity: 128)
            writer.raw("{\"time\":")
            writer.string(time)
            writer.raw(",\"level\":")
            writer.string(level.name)
            writer.raw(",\"msg\":")
            writer.string(message)
            for (key, value) in fields {
                writer.byte(UInt8(ascii: ","))
                writer.string(key)
                writer.byte(UInt8(ascii: ":"))
                switch value {
                case let number as any BinaryInteger: writer.raw(text: String(describing: number))
                case let flag as Bool: flag ? writer.raw("true") : writer.raw("false")
                default: writer.string(String(describing: value))
                }
            }
            writer.raw("}\n")
            line = writer.bytes
        case .text:
            var text = "\(time) \(level.name.uppercased().padding(5)) \(message)"
            for (key, value) in fields {
                text += " \(key)=\(quoted(String(describing: value)))"
            }
            text += "\n"
            line = Array(text.utf8)
        }
        // One write(2) of the whole line, so concurrent lines do not interleave; the pointer stays in the closure.
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    private static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
        guard needsQuotes else { return value }
        var escaped = ""
        for character in value {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r\n", "\r": escaped += "\\r"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
