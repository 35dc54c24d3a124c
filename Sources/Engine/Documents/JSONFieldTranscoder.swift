/// Writes a message's JSON object as document fields that map cleanly, straight from
/// the message bytes to the output without building a tree:
/// sanitised and de-duplicated names, objects deeper than the cap and arrays that hold
/// objects or arrays as JSON text (they would otherwise explode or conflict in the
/// mapping), mixed-type arrays as strings, numbers exactly as written, NaN and Infinity
/// as null, and at most `maxFields` leaves. It validates as it goes (the input may not be
/// JSON at all): on `false` the caller discards what was written.
struct JSONFieldTranscoder {
    let maxDepth: Int
    let maxFields: Int
    private(set) var fields = 0
    private(set) var dropped = 0
    /// The top-level `level`-like string value, for ECS `log.level`.
    private(set) var level: String?
    private var key: [UInt8] = []
    /// Names already written, per open object: bytes in one buffer, ranges on a stack.
    private var usedBytes: [UInt8] = []
    private var usedRanges: [Range<Int>] = []

    init(maxDepth: Int, maxFields: Int) {
        self.maxDepth = maxDepth
        self.maxFields = maxFields
    }

    /// Writes the object at the scanner; false when the bytes are not valid JSON.
    mutating func writeObject(_ scanner: inout JSONScanner, depth: Int, into writer: inout JSONWriter) -> Bool {
        guard scanner.expect(UInt8(ascii: "{")) else { return false }
        writer.byte(UInt8(ascii: "{"))
        let usedFrom = usedRanges.count
        let bytesFrom = usedBytes.count
        defer {
            usedRanges.removeSubrange(usedFrom...)
            usedBytes.removeSubrange(bytesFrom...)
        }
        var first = true
        if !scanner.expect(UInt8(ascii: "}")) {
            repeat {
                scanner.skipWhitespace()
                guard scanner.peek() == UInt8(ascii: "\""), scanner.readString(into: &key), scanner.expect(UInt8(ascii: ":")) else { return false }
                scanner.skipWhitespace()
                if fields >= maxFields {
                    guard let leaves = Self.leafCount(&scanner, depth: depth + 1) else { return false }
                    dropped += leaves
                    continue
                }
                if depth == 0, level == nil, scanner.peek() == UInt8(ascii: "\""), MessageLevel.isLevelKey(key) {
                    var probe = scanner
                    var value: [UInt8] = []
                    if probe.readString(into: &value), !value.isEmpty, value.count <= 32 {
                        level = String(decoding: value, as: UTF8.self).lowercased()
                    }
                }
                if !FieldName.isClean(key) {
                    key = Array(FieldName.sanitize(String(decoding: key, as: UTF8.self)).utf8)
                }
                if isUsed(key, since: usedFrom) {
                    var suffix = 2
                    while isUsed(key + Array("_\(suffix)".utf8), since: usedFrom) { suffix += 1 }
                    key += Array("_\(suffix)".utf8)
                }
                usedRanges.append(usedBytes.count..<usedBytes.count + key.count)
                usedBytes.append(contentsOf: key)
                if !first { writer.byte(UInt8(ascii: ",")) }
                first = false
                writer.string(key)
                writer.byte(UInt8(ascii: ":"))
                guard writeValue(&scanner, depth: depth, into: &writer) else { return false }
            } while scanner.expect(UInt8(ascii: ","))
            guard scanner.expect(UInt8(ascii: "}")) else { return false }
        }
        writer.byte(UInt8(ascii: "}"))
        return true
    }

    private func isUsed(_ name: [UInt8], since first: Int) -> Bool {
        for range in usedRanges[first...] where range.count == name.count && usedBytes[range].elementsEqual(name) {
            return true
        }
        return false
    }

    private mutating func writeValue(_ scanner: inout JSONScanner, depth: Int, into writer: inout JSONWriter) -> Bool {
        scanner.skipWhitespace()
        let start = scanner.position
        switch scanner.peek() {
        case UInt8(ascii: "{"):
            var probe = scanner
            _ = probe.expect(UInt8(ascii: "{"))
            if probe.expect(UInt8(ascii: "}")) {
                fields += 1
                writer.raw("{}")
                scanner.position = probe.position
            } else if depth + 1 >= maxDepth {
                fields += 1
                guard scanner.skipValue() != nil else { return false }
                writer.string(UnsafeBufferPointer(rebasing: scanner.bytes[start..<scanner.position]))
            } else {
                return writeObject(&scanner, depth: depth + 1, into: &writer)
            }
        case UInt8(ascii: "["):
            fields += 1
            return writeArray(&scanner, into: &writer)
        default:
            fields += 1
            guard let kind = scanner.skipValue() else { return false }
            if kind == .nonFinite {
                writer.raw("null")
            } else {
                // Strings, numbers, booleans and null are already valid JSON: copy them.
                writer.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scanner.bytes[start..<scanner.position]))
            }
        }
        return true
    }

    private func writeArray(_ scanner: inout JSONScanner, into writer: inout JSONWriter) -> Bool {
        let start = scanner.position
        var probe = scanner
        _ = probe.expect(UInt8(ascii: "["))
        var kinds: Set<UInt8> = []
        var nested = false
        var nonFinite = false
        if !probe.expect(UInt8(ascii: "]")) {
            repeat {
                switch probe.skipValue() {
                case nil: return false
                case .object?, .array?: nested = true
                case .nonFinite?: nonFinite = true
                case .null?: break
                case let kind?: kinds.insert(kind.rawValue)
                }
            } while probe.expect(UInt8(ascii: ","))
            guard probe.expect(UInt8(ascii: "]")) else { return false }
        }
        let end = probe.position
        scanner.position = end
        let raw = UnsafeBufferPointer(rebasing: scanner.bytes[start..<end])
        if nested {
            // Objects inside arrays get merged mappings that conflict easily: keep them as text.
            writer.string(raw)
            return true
        }
        if kinds.count <= 1 && !nonFinite {
            writer.bytes.append(contentsOf: raw)
            return true
        }
        // Mixed scalar types cannot share one mapping: every element becomes a string.
        var elements = JSONScanner(scanner.bytes, position: start, maxDepth: scanner.maxDepth)
        _ = elements.expect(UInt8(ascii: "["))
        writer.byte(UInt8(ascii: "["))
        var first = true
        repeat {
            elements.skipWhitespace()
            let from = elements.position
            let kind = elements.skipValue()
            let text = UnsafeBufferPointer(rebasing: scanner.bytes[from..<elements.position])
            if !first { writer.byte(UInt8(ascii: ",")) }
            first = false
            switch kind {
            case .string?, .null?: writer.bytes.append(contentsOf: text)
            case .nonFinite?: writer.raw("null")
            default: writer.string(text)
            }
        } while elements.expect(UInt8(ascii: ","))
        writer.byte(UInt8(ascii: "]"))
        return true
    }

    /// How many leaves the value at the scanner has (it is skipped); nil when not valid JSON.
    private static func leafCount(_ scanner: inout JSONScanner, depth: Int) -> Int? {
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else {
            return scanner.skipValue(depth: depth) == nil ? nil : 1
        }
        guard depth < scanner.maxDepth else { return nil }
        _ = scanner.expect(UInt8(ascii: "{"))
        if scanner.expect(UInt8(ascii: "}")) { return 1 }
        var count = 0
        repeat {
            scanner.skipWhitespace()
            guard scanner.peek() == UInt8(ascii: "\""), scanner.skipString(), scanner.expect(UInt8(ascii: ":")),
                  let leaves = leafCount(&scanner, depth: depth + 1) else { return nil }
            count += leaves
        } while scanner.expect(UInt8(ascii: ","))
        return scanner.expect(UInt8(ascii: "}")) ? count : nil
    }
}
