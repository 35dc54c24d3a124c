/// Finds the JSON object inside a log message: the whole message, or — as Lambda
/// runtimes and many loggers write — an object after a plain-text prefix such as
/// `2024-05-01T00:00:00.000Z\t<request id>\tINFO\t{...}`.
public enum MessageJSON {
    /// The byte offset of the `{` that starts a well-formed object running to the end of
    /// the message (trailing whitespace aside), or nil when there is none.
    static func locate(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = 256) -> Int? {
        var end = bytes.count
        while end > 0, isSpace(bytes[end - 1]) { end -= 1 }
        guard end > 1, bytes[end - 1] == UInt8(ascii: "}") else { return nil }
        var start = 0
        // Try each `{` from the left: the first that is valid up to the end is the object.
        while start < end {
            guard let brace = firstBrace(bytes, from: start, to: end) else { return nil }
            var scanner = JSONScanner(bytes, position: brace, maxDepth: maxDepth)
            if scanner.skipValue() == .object {
                scanner.skipWhitespace()
                if scanner.position == bytes.count { return brace }
            }
            start = brace + 1
            // Bound the work on hostile text full of braces.
            if start > 4096 { return nil }
        }
        return nil
    }

    private static func firstBrace(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        var index = from
        while index < to {
            if bytes[index] == UInt8(ascii: "{") { return index }
            index += 1
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
