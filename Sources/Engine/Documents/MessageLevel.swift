/// The ECS `log.level` of a message, when it states one.
enum MessageLevel {
    static let jsonKeys: [StaticString] = ["level", "severity", "loglevel", "log_level", "levelname", "log.level", "lvl"]

    /// True when `key` names a level field, in any letter case. Asked of every top-level
    /// key of every JSON message, so it compares bytes rather than building strings.
    static func isLevelKey(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard key.count >= 3 && key.count <= 9, key[0] | 0x20 == UInt8(ascii: "l") || key[0] | 0x20 == UInt8(ascii: "s") else { return false }
        return jsonKeys.contains { candidate in
            candidate.utf8CodeUnitCount == key.count && (0..<key.count).allSatisfy { index in
                let byte = key[index]
                return candidate.utf8Start[index] == ((byte >= 65 && byte <= 90) ? byte | 0x20 : byte)
            }
        }
    }

    static let lambdaLevels: Set<String> = ["TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL"]

    /// Lambda runtimes write `<time>\t<request id>\t<LEVEL>\t<text>`.
    static func fromLambdaPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.count > 60 else { return nil }
        // The time is 24 bytes (2024-05-01T00:00:00.000Z) and the request id 36.
        guard bytes[24] == 9, bytes[61] == 9 else { return nil }
        var end = 62
        while end < min(bytes.count, 72), bytes[end] != 9 { end += 1 }
        guard end < bytes.count, bytes[end] == 9 else { return nil }
        let level = String(decoding: UnsafeBufferPointer(rebasing: bytes[62..<end]), as: UTF8.self)
        return lambdaLevels.contains(level) ? level.lowercased() : nil
    }
}
