/// Appends JSON text to a byte buffer without building intermediate values.
struct JSONWriter {
    var bytes: [UInt8]

    init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Text already in JSON form held in a String. A literal takes the `StaticString` form:
    /// with the same label, literals would pick this one (a String is a literal's default
    /// type) and pay for a String per call.
    mutating func raw(text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func integer<T: BinaryInteger>(_ value: T) {
        guard let small = Int64(exactly: value) else {
            bytes.append(contentsOf: String(value).utf8)
            return
        }
        // Digits into a small stack buffer: no String per number.
        var magnitude = small.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var used = 0
            repeat {
                digits[19 - used] = UInt8(48 + magnitude % 10)
                magnitude /= 10
                used += 1
            } while magnitude > 0
            if small < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - used)...]))
        }
    }

    /// Writes `text` as a quoted JSON string, escaping what JSON requires.
    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { string($0) }
    }

    mutating func string(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        contents(of: utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// What goes between the quotes of `utf8` as a JSON string: the text, escaped where
    /// JSON requires.
    mutating func contents(of utf8: UnsafeBufferPointer<UInt8>) {
        guard let base = utf8.baseAddress else { return }
        let count = utf8.count
        let table = Self.escapeTable
        // Find the first byte that needs escaping; most messages have few or none.
        var index = JSONScanner.endOfPlainRun(utf8, from: 0)
        while index < count && table[Int(base[index])] == 0 { index += 1 }
        bytes.append(contentsOf: UnsafeBufferPointer(start: base, count: index))
        if index < count {
            appendEscaped(base + index, count - index)
        }
    }

    /// The escaping slow path: output is staged in a small buffer and appended in chunks,
    /// since text such as JSON inside JSON breaks into very short runs.
    private mutating func appendEscaped(_ base: UnsafePointer<UInt8>, _ count: Int) {
        let chunk = 16 * 1024
        let table = Self.escapeTable
        let hex = Self.hexTable
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunk + 8) { staging in
            let out = staging.baseAddress!
            var used = 0
            for index in 0..<count {
                if used >= chunk {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: out, count: used))
                    used = 0
                }
                let byte = base[index]
                let escape = table[Int(byte)]
                if escape == 0 {
                    out[used] = byte
                    used += 1
                } else if escape != UInt8(ascii: "u") {
                    out[used] = UInt8(ascii: "\\")
                    out[used + 1] = escape
                    used += 2
                } else {
                    out[used] = UInt8(ascii: "\\")
                    out[used + 1] = UInt8(ascii: "u")
                    out[used + 2] = UInt8(ascii: "0")
                    out[used + 3] = UInt8(ascii: "0")
                    out[used + 4] = hex[Int(byte >> 4)]
                    out[used + 5] = hex[Int(byte & 0xF)]
                    used += 6
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(start: out, count: used))
        }
    }

    /// Writes `"text"` for text that needs no escaping: the contents of a JSON string that
    /// had no escapes (so no quote, backslash or control character either).
    mutating func quoted(plain text: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: text)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func string(_ utf8: [UInt8]) {
        utf8.withUnsafeBufferPointer { string($0) }
    }

    /// The escape table as a plain pointer: array accesses in the hot loop cost a bounds
    /// check and an initialisation check each. Immutable after creation, never freed.
    nonisolated(unsafe) private static let escapeTable: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for (index, value) in escapes.enumerated() { table[index] = value }
        return UnsafePointer(table)
    }()

    nonisolated(unsafe) private static let hexTable: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 16)
        for (index, value) in hexDigits.enumerated() { table[index] = value }
        return UnsafePointer(table)
    }()

    /// For each byte: 0 when it is written as is, else the letter after the backslash.
    private static let escapes: [UInt8] = (0..<256).map { (byte: Int) -> UInt8 in
        switch byte {
        case 0x22: return UInt8(ascii: "\"")
        case 0x5C: return UInt8(ascii: "\\")
        case 0x0A: return UInt8(ascii: "n")
        case 0x0D: return UInt8(ascii: "r")
        case 0x09: return UInt8(ascii: "t")
        case 0..<0x20: return UInt8(ascii: "u")
        default: return 0
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): flag ? raw("true") : raw("false")
        case .number(let text): raw(text: text)
        case .string(let text): string(text)
        case .array(let items):
            byte(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                self.value(item)
            }
            byte(UInt8(ascii: "]"))
        case .object(let members):
            byte(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                string(member.key)
                byte(UInt8(ascii: ":"))
                self.value(member.value)
            }
            byte(UInt8(ascii: "}"))
        }
    }
}

extension JSONValue {
    /// Compact JSON text of this value.
    var serialized: [UInt8] {
        var writer = JSONWriter()
        writer.value(self)
        return writer.bytes
    }

    public var serializedString: String { String(decoding: serialized, as: UTF8.self) }
}
