/// The ECS `log.level` of a message, when it states one.
enum MessageLevel {
    static let jsonKeys: Set<String> = ["level", "severity", "loglevel", "log_level", "levelname", "log.level", "lvl"]

    static func fromJSON(_ members: [JSONMember]) -> String? {
        for member in members where jsonKeys.contains(member.key.lowercased()) {
            if let text = member.value.string, !text.isEmpty, text.utf8.count <= 32 { return text.lowercased() }
        }
        return nil
    }

    static let lambdaLevels: Set<String> = ["TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL"]

    /// Lambda runtimes write `<time>\t<request id>\t<LEVEL>\t<text>`.
    static func fromLambdaPrefix(_ message: String) -> String? {
        guard message.utf8.count > 40 else { return nil }
        let parts = message.utf8.split(separator: 9, maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].count >= 20, parts[1].count == 36 else { return nil }
        let level = String(decoding: parts[2], as: UTF8.self)
        return lambdaLevels.contains(level) ? level.lowercased() : nil
    }
}
