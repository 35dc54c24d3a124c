struct JSONParseError: Error, CustomStringConvertible, Sendable {
    var offset: Int
    var reason: String
    var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A strict, allocation-light JSON parser over UTF-8 bytes.
///
/// `lenient` additionally accepts `NaN`, `Infinity` and `-Infinity` (as written by
/// Python and JavaScript loggers) and turns them into null, since Elasticsearch
/// cannot store them. Nesting deeper than `maxDepth` is rejected rather than
/// risking the stack on hostile input.
struct JSONParser {
    var maxDepth = 512
    var lenient = false

    init(maxDepth: Int = 512, lenient: Bool = false) {
        self.maxDepth = maxDepth
        self.lenient = lenient
    }

    func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try parse($0) }
    }

    func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parse($0) }
    }

    func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var cursor = JSONCursor(bytes: buffer, maxDepth: maxDepth, lenient: lenient)
        cursor.skipWhitespace()
        let value = try cursor.value(depth: 0)
        cursor.skipWhitespace()
        guard cursor.position == buffer.count else { throw cursor.error("unexpected data after the value") }
        return value
    }
}

struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    let lenient: Bool
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, lenient: Bool) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.lenient = lenient
    }

    func error(_ reason: String) -> JSONParseError { JSONParseError(offset: position, reason: reason) }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "N") where lenient: try literal("NaN"); return .null
        case UInt8(ascii: "I") where lenient: try literal("Infinity"); return .null
        case UInt8(ascii: "-") where lenient && position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "I"):
            position += 1
            try literal("Infinity")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("unexpected end of input") }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for index in 0..<count where bytes[position + index] != expected[index] {
            throw error("invalid literal")
        }
        position += count
    }

    mutating func object(depth: Int) throws -> JSONValue {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
        position += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            members.append(JSONMember(key, try value(depth: depth)))
            skipWhitespace()
            guard position < bytes.count else { throw error("unterminated object") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            } else {
                throw error("expected ',' or '}'")
            }
        }
    }

    mutating func array(depth: Int) throws -> JSONValue {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw error("unterminated array") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            } else {
                throw error("expected ',' or ']'")
            }
        }
    }

    mutating func number() throws -> String {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// A string, lexed as every JSON string in logstream is (`JSONScanner`, over the C byte
    /// loops): invalid escapes and raw control characters are refused, a lone surrogate
    /// becomes U+FFFD, invalid UTF-8 is repaired.
    mutating func string() throws -> String {
        var scanner = JSONScanner(bytes, position: position)
        var shape = JSONScanner.StringShape()
        guard scanner.skipString(noting: &shape) else { throw error("invalid string: unterminated, or an unknown escape or a control character in it") }
        let raw = UnsafeBufferPointer(rebasing: bytes[(position + 1)..<(scanner.position - 1)])
        position = scanner.position
        return shape.escaped ? String(decoding: JSONScanner.unescaped(raw), as: UTF8.self) : String(decoding: raw, as: UTF8.self)
    }
}
