/// Finds the JSON object inside a log message: the whole message, or — as Lambda
/// runtimes and many loggers write — an object after a plain-text prefix such as
/// `2024-05-01T00:00:00.000Z\t<request id>\tINFO\t{...}`.
public enum MessageJSON {
    /// The parsed object and the byte offset where it starts, or nil when the message
    /// does not end in a well-formed JSON object.
    public static func extract(_ message: String, maxDepth: Int = 256) -> (object: [JSONMember], offset: Int)? {
        var message = message
        return message.withUTF8 { bytes -> ([JSONMember], Int)? in
            var end = bytes.count
            while end > 0, isSpace(bytes[end - 1]) { end -= 1 }
            guard end > 1, bytes[end - 1] == UInt8(ascii: "}") else { return nil }
            let parser = JSONParser(maxDepth: maxDepth, lenient: true)
            var start = 0
            // Try each `{` from the left: the first that parses to the end is the object.
            while let brace = firstBrace(bytes, from: start, to: end) {
                if let value = try? parser.parse(UnsafeBufferPointer(rebasing: bytes[brace..<end])), case .object(let members) = value {
                    return (members, brace)
                }
                start = brace + 1
                if start >= end { break }
                // Bound the work on hostile text full of braces.
                if start > 4096 { return nil }
            }
            return nil
        }
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
