import CJSONScan
import Glibc

/// Allocation-free validation and navigation of JSON bytes: finds where values end and
/// what kind they are, without building them. The fast paths of the pipeline use it to
/// copy already-valid JSON straight from input to output.
struct JSONScanner {
    enum Kind: UInt8 {
        case object, array, string, number, bool, null
        /// NaN, Infinity or -Infinity: accepted, written as null.
        case nonFinite
    }

    /// Borrowed from the caller's `withUnsafeBufferPointer`: a scanner never outlives the
    /// closure it was made in. Every index is checked against `bytes.count` before it is read;
    /// the word-at-a-time loops read eight bytes only where `index + 8 <= count`.
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0, maxDepth: Int = 256) {
        self.bytes = bytes
        self.position = position
        self.maxDepth = maxDepth
    }

    var atEnd: Bool { position >= bytes.count }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func peekAfterWhitespace() -> UInt8? {
        skipWhitespace()
        return peek()
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    mutating func expect(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// Skips one value starting at the current position (after whitespace); returns its kind,
    /// or nil when the bytes are not valid JSON.
    mutating func skipValue(depth: Int = 0) -> Kind? {
        skipWhitespace()
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { return nil }
            position += 1
            if expect(UInt8(ascii: "}")) { return .object }
            repeat {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\""), skipString(), expect(UInt8(ascii: ":")), skipValue(depth: depth + 1) != nil else { return nil }
            } while expect(UInt8(ascii: ","))
            return expect(UInt8(ascii: "}")) ? .object : nil
        case UInt8(ascii: "["):
            guard depth < maxDepth else { return nil }
            position += 1
            if expect(UInt8(ascii: "]")) { return .array }
            repeat {
                guard skipValue(depth: depth + 1) != nil else { return nil }
            } while expect(UInt8(ascii: ","))
            return expect(UInt8(ascii: "]")) ? .array : nil
        case UInt8(ascii: "\""):
            return skipString() ? .string : nil
        case UInt8(ascii: "t"): return skipLiteral("true") ? .bool : nil
        case UInt8(ascii: "f"): return skipLiteral("false") ? .bool : nil
        case UInt8(ascii: "n"): return skipLiteral("null") ? .null : nil
        case UInt8(ascii: "N"): return skipLiteral("NaN") ? .nonFinite : nil
        case UInt8(ascii: "I"): return skipLiteral("Infinity") ? .nonFinite : nil
        case UInt8(ascii: "-") where position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "I"):
            position += 1
            return skipLiteral("Infinity") ? .nonFinite : nil
        default:
            return skipNumber() ? .number : nil
        }
    }

    /// Reads a member's name and its colon, leaving the scanner at the value, and says which
    /// of `names` it is (`other` when none): compared where it lies in the input, or
    /// unescaped first when it was written with escapes. nil when there is no name and colon
    /// here.
    mutating func memberName<Key>(among names: [(name: StaticString, key: Key)], other: Key) -> Key? {
        guard peekAfterWhitespace() == UInt8(ascii: "\"") else { return nil }
        let start = position + 1
        var shape = StringShape()
        guard skipString(noting: &shape) else { return nil }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<position - 1])
        func lookUp(_ name: UnsafeBufferPointer<UInt8>) -> Key {
            for entry in names where name.count == entry.name.utf8CodeUnitCount
                && (name.isEmpty || memcmp(name.baseAddress!, entry.name.utf8Start, name.count) == 0) {
                return entry.key
            }
            return other
        }
        let key = shape.escaped ? Self.unescaped(raw).withUnsafeBufferPointer(lookUp) : lookUp(raw)
        return expect(UInt8(ascii: ":")) ? key : nil
    }

    /// Skips a string whose opening quote is at the current position.
    mutating func skipString() -> Bool {
        var shape = StringShape()
        return skipString(noting: &shape)
    }

    /// What a skipped string holds, found on the way: its text can be used as it lies
    /// when it has no escapes, and needs no UTF-8 validation when it is all ASCII.
    struct StringShape {
        var escaped = false
        var ascii = true
    }

    mutating func skipString(noting shape: inout StringShape) -> Bool {
        guard let base = bytes.baseAddress, position < bytes.count else { return false }
        var escaped: Int32 = 0, nonASCII: Int32 = 0
        // Reads nothing outside `bytes`; the string starts after the quote at `position`.
        let end = ls_json_skip_string(base, position + 1, bytes.count, &escaped, &nonASCII)
        guard end >= 0 else { return false }
        position = end
        shape.escaped = escaped != 0
        shape.ascii = nonASCII == 0
        return true
    }

    /// The index of the first byte at or after `start` that is a quote, a backslash or a
    /// control character (or the end): the bytes before it need no attention inside a
    /// JSON string. Sixteen bytes at a time, since log messages are long runs of such bytes.
    @inline(__always)
    static func endOfPlainRun(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count else { return start }
        var nonASCII: Int32 = 0
        return ls_json_plain_run_end(base, start, bytes.count, &nonASCII)
    }

    private mutating func skipLiteral(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for index in 0..<count where bytes[position + index] != word.utf8Start[index] { return false }
        position += count
        return true
    }

    private mutating func skipNumber() -> Bool {
        func digits() -> Int {
            let start = position
            while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 { position += 1 }
            return position - start
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { return false }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else if digits() == 0 {
            return false
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { return false }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { return false }
        }
        return true
    }

    /// The unescaped bytes of the string whose opening quote is at the current position:
    /// validated first, then copied as they are or, when they hold escapes, unescaped.
    mutating func readString(into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        let open = position
        var shape = StringShape()
        guard skipString(noting: &shape) else { return false }
        let raw = UnsafeBufferPointer(rebasing: bytes[open + 1..<position - 1])
        guard shape.escaped else {
            out.append(contentsOf: raw)
            return true
        }
        // Unescaping never lengthens a string: write into room for all of it, then trim.
        out.append(contentsOf: repeatElement(0, count: raw.count))
        let written = out.withUnsafeMutableBufferPointer { Self.unescape(raw, into: $0.baseAddress!) }
        out.removeLast(raw.count - written)
        return true
    }

    /// Reads the string whose opening quote is at `position`, checking it and — where it has
    /// escapes — writing its unescaped text at `out` (room for its raw length) in the same
    /// pass; moves past its closing quote. `contents` is where its raw text lies in `bytes`,
    /// `written` how much was written at `out` (0: no escapes, the raw text is the text).
    /// nil when it is not a valid string.
    mutating func readString(unescapingInto out: UnsafeMutablePointer<UInt8>) -> (contents: Range<Int>, written: Int, ascii: Bool)? {
        guard let base = bytes.baseAddress else { return nil }
        let start = position + 1
        var written = 0
        var nonASCII: Int32 = 0
        let end = ls_json_unescape(base, start, bytes.count, out, &written, &nonASCII)
        guard end >= 0, end < bytes.count else { return nil }
        position = end + 1
        return (start..<end, written, nonASCII == 0)
    }

    /// The unescaped bytes of a string's raw contents (between its quotes), which
    /// `skipString` has validated.
    static func unescaped(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // An array made with capacity 0 is the runtime's shared empty storage, and setting its
        // count writes to that one global from every thread (ThreadSanitizer reports it).
        guard !raw.isEmpty else { return [] }
        return [UInt8](unsafeUninitializedCapacity: raw.count) { out, written in
            written = unescape(raw, into: out.baseAddress!)
        }
    }

    /// Writes the unescaped form of `raw` (validated string contents) at `out`, which has
    /// room for `raw.count` bytes; returns how many it wrote.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        guard let base = raw.baseAddress else { return 0 }
        var written = 0
        var nonASCII: Int32 = 0
        _ = ls_json_unescape(base, 0, raw.count, out, &written, &nonASCII)
        guard written == 0 else { return written }
        // No escapes: the text is the contents as they are.
        out.update(from: base, count: raw.count)
        return raw.count
    }

    /// Reads an integer number (as CloudWatch sends timestamps), in one pass over its
    /// digits; nil (the position unspecified) for anything else, fractions included.
    mutating func readInt64() -> Int64? {
        skipWhitespace()
        guard position < bytes.count else { return nil }
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        let start = position
        var value: Int64 = 0
        while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[position] - 48))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
            position += 1
        }
        // JSON allows no leading zeros; a fraction or exponent is not an integer.
        let digits = position - start
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") || bytes[position] | 0x20 == UInt8(ascii: "e") { return nil }
        return negative ? -value : value
    }
}
