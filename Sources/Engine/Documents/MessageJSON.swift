/// Finds and writes the JSON object inside a log message: the whole message, or — as
/// Lambda runtimes and many loggers write — an object after a plain-text prefix such as
/// `2024-05-01T00:00:00.000Z\t<request id>\tINFO\t{...}`.
enum MessageJSON {
    /// Hostile text full of braces must not cost a scan per brace.
    static let maxPrefixBytes = 4096

    /// Writes `,"<field>":{…}` for the object that runs to the end of `message` (trailing
    /// whitespace aside), trying each `{` from the left; validation and writing are one
    /// pass, and a failed attempt is taken back. nil (and nothing written) when there is
    /// no such object.
    static func writeFields(of message: UnsafeBufferPointer<UInt8>, as field: String, maxDepth: Int, maxFields: Int,
                            names: inout [Range<Int>], into writer: inout JSONWriter) -> JSONFieldTranscoder? {
        var end = message.count
        while end > 0, isSpace(message[end - 1]) { end -= 1 }
        guard end > 1, message[end - 1] == UInt8(ascii: "}") else { return nil }
        var from = 0
        while from <= maxPrefixBytes, let brace = firstBrace(message, from: from, to: end) {
            let mark = writer.bytes.count
            writer.byte(UInt8(ascii: ","))
            writer.string(field)
            writer.byte(UInt8(ascii: ":"))
            var lent: [Range<Int>] = []
            swap(&lent, &names)
            var fields = JSONFieldTranscoder(maxDepth: maxDepth, maxFields: maxFields, reusing: consume lent)
            var scanner = JSONScanner(message, position: brace)
            let written = fields.writeObject(&scanner, depth: 0, into: &writer)
            names = fields.writtenNames
            if written {
                scanner.skipWhitespace()
                if scanner.position == message.count { return fields }
            }
            writer.bytes.removeSubrange(mark...)
            from = brace + 1
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
