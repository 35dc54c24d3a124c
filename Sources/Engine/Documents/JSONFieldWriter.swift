/// Writes a message's parsed JSON object as document fields that map cleanly:
/// sanitised and de-duplicated names, objects deeper than the cap and arrays that hold
/// objects or arrays as JSON text (they would otherwise explode or conflict in the
/// mapping), mixed-type arrays as strings, numbers exactly as written, and at most
/// `maxFields` leaves.
struct JSONFieldWriter {
    let maxDepth: Int
    let maxFields: Int
    private(set) var fields = 0
    private(set) var dropped = 0

    init(maxDepth: Int, maxFields: Int) {
        self.maxDepth = maxDepth
        self.maxFields = maxFields
    }

    mutating func writeObject(_ members: [JSONMember], depth: Int, into writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "{"))
        var used = Set<String>()
        var first = true
        for member in members {
            guard fields < maxFields else {
                dropped += leafCount(member.value)
                continue
            }
            var name = FieldName.sanitize(member.key)
            if used.contains(name) {
                var suffix = 2
                while used.contains("\(name)_\(suffix)") { suffix += 1 }
                name = "\(name)_\(suffix)"
            }
            used.insert(name)
            if !first { writer.byte(UInt8(ascii: ",")) }
            first = false
            writer.string(name)
            writer.byte(UInt8(ascii: ":"))
            writeValue(member.value, depth: depth, into: &writer)
        }
        writer.byte(UInt8(ascii: "}"))
    }

    private mutating func writeValue(_ value: JSONValue, depth: Int, into writer: inout JSONWriter) {
        switch value {
        case .object(let members):
            if depth + 1 >= maxDepth || members.isEmpty {
                fields += 1
                members.isEmpty ? writer.raw("{}") : writer.string(value.serializedString)
            } else {
                writeObject(members, depth: depth + 1, into: &writer)
            }
        case .array(let items):
            fields += 1
            writeArray(items, into: &writer)
        default:
            fields += 1
            writer.value(value)
        }
    }

    private func writeArray(_ items: [JSONValue], into writer: inout JSONWriter) {
        var kinds = Set<Int>()
        for item in items {
            switch item {
            case .null: continue
            case .bool: kinds.insert(0)
            case .number: kinds.insert(1)
            case .string: kinds.insert(2)
            case .object, .array:
                // Objects inside arrays get merged mappings that conflict easily: keep them as text.
                writer.string(JSONValue.array(items).serializedString)
                return
            }
        }
        guard kinds.count > 1 else {
            writer.value(.array(items))
            return
        }
        // Mixed scalar types cannot share one mapping: store every element as a string.
        writer.byte(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            switch item {
            case .string(let text): writer.string(text)
            case .null: writer.raw("null")
            default: writer.string(item.serializedString)
            }
        }
        writer.byte(UInt8(ascii: "]"))
    }

    private func leafCount(_ value: JSONValue) -> Int {
        guard case .object(let members) = value else { return 1 }
        return members.reduce(0) { $0 + leafCount($1.value) }
    }
}
