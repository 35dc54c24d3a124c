import Glibc

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
    /// Where the names written so far sit in the output, per open object (a stack):
    /// a repeated name is found by comparing output bytes, with no copy of its own.
    private(set) var writtenNames: [Range<Int>]

    /// `reusing` lends a buffer for the names' ranges (take it back from `writtenNames`),
    /// so transcoding a page of messages does not allocate one per message.
    init(maxDepth: Int, maxFields: Int, reusing names: [Range<Int>] = []) {
        self.maxDepth = maxDepth
        self.maxFields = maxFields
        writtenNames = names
        writtenNames.removeAll(keepingCapacity: true)
    }

    /// Writes the object at the scanner; false when the bytes are not valid JSON.
    mutating func writeObject(_ scanner: inout JSONScanner, depth: Int, into writer: inout JSONWriter) -> Bool {
        guard scanner.expect(UInt8(ascii: "{")) else { return false }
        writer.byte(UInt8(ascii: "{"))
        let namesFrom = writtenNames.count
        defer { writtenNames.removeSubrange(namesFrom...) }
        var first = true
        if !scanner.expect(UInt8(ascii: "}")) {
            repeat {
                guard scanner.peekAfterWhitespace() == UInt8(ascii: "\"") else { return false }
                let nameStart = scanner.position + 1
                var shape = JSONScanner.StringShape()
                guard scanner.skipString(noting: &shape) else { return false }
                let raw = UnsafeBufferPointer(rebasing: scanner.bytes[nameStart..<scanner.position - 1])
                guard scanner.expect(UInt8(ascii: ":")) else { return false }
                scanner.skipWhitespace()
                if fields >= maxFields {
                    guard let leaves = Self.leafCount(&scanner, depth: depth + 1) else { return false }
                    dropped += leaves
                    continue
                }
                if !first { writer.byte(UInt8(ascii: ",")) }
                first = false
                if !shape.escaped && FieldName.isClean(raw) {
                    // The common case: the name as it lies in the message is the field's name.
                    if depth == 0 { noteLevel(named: raw, scanner) }
                    writeName(raw, plain: true, namesFrom: namesFrom, into: &writer)
                } else {
                    var name = JSONScanner.unescaped(raw)
                    name.withUnsafeBufferPointer { if depth == 0 { noteLevel(named: $0, scanner) } }
                    if !name.withUnsafeBufferPointer({ FieldName.isClean($0) }) {
                        name = Array(FieldName.sanitize(String(decoding: name, as: UTF8.self)).utf8)
                    }
                    name.withUnsafeBufferPointer { writeName($0, plain: false, namesFrom: namesFrom, into: &writer) }
                }
                guard writeValue(&scanner, depth: depth, into: &writer) else { return false }
            } while scanner.expect(UInt8(ascii: ","))
            guard scanner.expect(UInt8(ascii: "}")) else { return false }
        }
        writer.byte(UInt8(ascii: "}"))
        return true
    }

    /// Keeps the first top-level level-like string value, for ECS `log.level`.
    private mutating func noteLevel(named name: UnsafeBufferPointer<UInt8>, _ scanner: JSONScanner) {
        guard level == nil, scanner.peek() == UInt8(ascii: "\""), MessageLevel.isLevelKey(name) else { return }
        var probe = scanner
        var shape = JSONScanner.StringShape()
        guard probe.skipString(noting: &shape) else { return }
        let raw = UnsafeBufferPointer(rebasing: scanner.bytes[scanner.position + 1..<probe.position - 1])
        guard !raw.isEmpty, raw.count <= 32 else { return }
        let text = shape.escaped ? String(decoding: JSONScanner.unescaped(raw), as: UTF8.self) : String(decoding: raw, as: UTF8.self)
        if !text.isEmpty { level = text.lowercased() }
    }

    /// Writes `"name":`, or `"name_2":` (`_3`, …) when this object already has that name.
    /// A `plain` name needs no escaping.
    private mutating func writeName(_ name: UnsafeBufferPointer<UInt8>, plain: Bool, namesFrom: Int, into writer: inout JSONWriter) {
        let start = writer.bytes.count
        if plain { writer.quoted(plain: name) } else { writer.string(name) }
        var suffix = 2
        while isWritten(start..<writer.bytes.count, in: writer.bytes, since: namesFrom) {
            writer.bytes.removeSubrange(start...)
            writer.string(Array(name) + Array("_\(suffix)".utf8))
            suffix += 1
        }
        writtenNames.append(start..<writer.bytes.count)
        writer.byte(UInt8(ascii: ":"))
    }

    private func isWritten(_ candidate: Range<Int>, in output: [UInt8], since first: Int) -> Bool {
        output.withUnsafeBufferPointer { bytes in
            writtenNames[first...].contains { range in
                range.count == candidate.count && memcmp(bytes.baseAddress! + range.lowerBound, bytes.baseAddress! + candidate.lowerBound, range.count) == 0
            }
        }
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
