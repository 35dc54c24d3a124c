/// Field names Elasticsearch accepts and that cannot clash with its metadata fields:
/// leading underscores removed (`_id` is reserved), dots trimmed at the edges and never
/// doubled (an empty path segment is rejected), control characters and blank names
/// replaced, and overly long names shortened.
enum FieldName {
    static let maxBytes = 256

    /// True when `sanitize` would return the name unchanged; the common case, checked cheaply.
    static func isClean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last, bytes.count <= maxBytes,
              first != UInt8(ascii: "_"), first != UInt8(ascii: "."), last != UInt8(ascii: ".") else { return false }
        var previous: UInt8 = 0
        var meaningful = false
        for byte in bytes {
            if byte < 0x20 || byte == 0x7F { return false }
            if byte == UInt8(ascii: ".") && previous == UInt8(ascii: ".") { return false }
            if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "_") && byte != UInt8(ascii: ".") { meaningful = true }
            previous = byte
        }
        return meaningful
    }

    static func sanitize(_ raw: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        for byte in raw.utf8 {
            switch byte {
            case 0..<0x20, 0x7F:
                bytes.append(UInt8(ascii: "_"))
            case UInt8(ascii: "."):
                // No leading dot and no empty segment between two dots.
                if let last = bytes.last, last != UInt8(ascii: ".") { bytes.append(byte) }
            default:
                bytes.append(byte)
            }
        }
        while bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        var start = 0
        while start < bytes.count, bytes[start] == UInt8(ascii: "_") || bytes[start] == UInt8(ascii: ".") { start += 1 }
        var name = String(decoding: bytes[start...], as: UTF8.self)
        if name.allSatisfy({ $0 == " " || $0 == "_" || $0 == "." }) {
            return "empty"
        }
        if name.utf8.count > maxBytes {
            var cut = maxBytes
            let utf8 = Array(name.utf8)
            while cut > 0 && utf8[cut] & 0xC0 == 0x80 { cut -= 1 }
            name = String(decoding: utf8[..<cut], as: UTF8.self)
        }
        return name
    }
}
