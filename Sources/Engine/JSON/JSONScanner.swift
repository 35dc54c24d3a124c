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
        position += 1
        var highBits: UInt64 = 0
        defer { shape.ascii = highBits == 0 }
        while position < bytes.count {
            position = Self.endOfPlainRun(bytes, from: position, highBits: &highBits)
            guard position < bytes.count else { return false }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return true
            }
            // Not a quote: a backslash, or a control character, which JSON refuses.
            guard byte == UInt8(ascii: "\\"), position + 1 < bytes.count else { return false }
            shape.escaped = true
            switch bytes[position + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                position += 2
            case UInt8(ascii: "u"):
                guard position + 6 <= bytes.count else { return false }
                for offset in 2..<6 where !isHex(bytes[position + offset]) { return false }
                position += 6
            default:
                return false
            }
        }
        return false
    }

    /// The index of the first byte at or after `start` that is a quote, a backslash or a
    /// control character (or the end): the bytes before it need no attention inside a
    /// JSON string. Eight bytes at a time, since log messages are long runs of such bytes.
    @inline(__always)
    static func endOfPlainRun(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var highBits: UInt64 = 0
        return endOfPlainRun(bytes, from: start, highBits: &highBits)
    }

    /// The same, also OR-ing into `highBits` the top bit of every byte passed over (zero
    /// while the text is ASCII).
    @inline(__always)
    static func endOfPlainRun(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, highBits: inout UInt64) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var index = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            // A byte is flagged when it is zero (for the xor'ed words) or below 0x20.
            // Little-endian: the word's first byte is its lowest.
            let special = (((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes) | ((word &- ones &* 0x20) & ~word)) & highs
            if special != 0 {
                // The lowest flagged byte is always a real one (a false flag needs a real
                // one below it), so it is where the run ends: escape-dense text such as JSON
                // inside a message ends a run every few bytes.
                let found = special.trailingZeroBitCount / 8
                highBits |= word & highs & ((1 &<< UInt64(8 * found)) &- 1)
                return index + found
            }
            highBits |= word & highs
            index += 8
        }
        while index < count {
            let byte = base[index]
            if byte == 0x22 || byte == 0x5C || byte < 0x20 { return index }
            highBits |= UInt64(byte & 0x80)
            index += 1
        }
        return index
    }

    private func isHex(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 70) || (byte >= 97 && byte <= 102)
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
    ///
    /// Plain bytes move eight at a time, a whole word stored even where a backslash cuts
    /// it short (what lies past the cut is overwritten next): JSON inside a message breaks
    /// into runs of a few bytes, too short for a call to memchr and memcpy each.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let base = raw.baseAddress!
        let count = raw.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        var read = 0
        var written = 0
        while read < count {
            if base[read] != UInt8(ascii: "\\") {
                guard read + 8 <= count else {
                    out[written] = base[read]
                    read += 1
                    written += 1
                    continue
                }
                // written <= read, so the word fits in the room `raw.count` gives.
                let word = UnsafeRawPointer(base + read).loadUnaligned(as: UInt64.self)
                UnsafeMutableRawPointer(out + written).storeBytes(of: word, as: UInt64.self)
                let backslashes = word ^ (ones &* 0x5C)
                let flagged = (backslashes &- ones) & ~backslashes & (ones &* 0x80)
                // The lowest flagged byte is a real backslash; it is not the first byte.
                let plain = flagged == 0 ? 8 : flagged.trailingZeroBitCount / 8
                read += plain
                written += plain
                continue
            }
            let escape = base[read + 1]
            read += 2
            switch escape {
            case UInt8(ascii: "b"): out[written] = 0x08
            case UInt8(ascii: "f"): out[written] = 0x0C
            case UInt8(ascii: "n"): out[written] = 0x0A
            case UInt8(ascii: "r"): out[written] = 0x0D
            case UInt8(ascii: "t"): out[written] = 0x09
            case UInt8(ascii: "u"):
                var scalar = hex4(base + read)
                read += 4
                if (0xD800...0xDBFF).contains(scalar), read + 6 <= count, base[read] == UInt8(ascii: "\\"),
                   base[read + 1] == UInt8(ascii: "u") {
                    let low = hex4(base + read + 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        read += 6
                    }
                }
                written += writeUTF8(scalar, to: out + written)
                continue
            default: out[written] = escape  // \" \\ and \/
            }
            written += 1
        }
        return written
    }

    private static func hex4(_ digits: UnsafePointer<UInt8>) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<4 {
            let byte = digits[index]
            value = value << 4 | UInt32(byte <= 57 ? byte - 48 : (byte | 0x20) - 87)
        }
        return value
    }

    /// A lone surrogate becomes U+FFFD, as it cannot be UTF-8.
    private static func writeUTF8(_ scalar: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let value = (0xD800...0xDFFF).contains(scalar) ? 0xFFFD : scalar
        switch value {
        case 0..<0x80:
            out[0] = UInt8(value)
            return 1
        case 0x80..<0x800:
            out[0] = UInt8(0xC0 | value >> 6)
            out[1] = UInt8(0x80 | value & 0x3F)
            return 2
        case 0x800..<0x10000:
            out[0] = UInt8(0xE0 | value >> 12)
            out[1] = UInt8(0x80 | value >> 6 & 0x3F)
            out[2] = UInt8(0x80 | value & 0x3F)
            return 3
        default:
            out[0] = UInt8(0xF0 | value >> 18)
            out[1] = UInt8(0x80 | value >> 12 & 0x3F)
            out[2] = UInt8(0x80 | value >> 6 & 0x3F)
            out[3] = UInt8(0x80 | value & 0x3F)
            return 4
        }
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
