/// Reads a `_bulk` answer's per-item results straight from its bytes: one answer per
/// request, an item per document, so no tree is built for it.
enum BulkResponseParser {
    /// Per-item results in request order, whichever action key (`create`, `index`, …)
    /// each item is reported under.
    static func items(from body: [UInt8]) throws -> [BulkItemResult] {
        try body.withUnsafeBufferPointer { bytes in
            var reader = Reader(scanner: JSONScanner(bytes, maxDepth: 512))
            return try reader.response()
        }
    }

    private struct Reader {
        var scanner: JSONScanner
        /// The current member's name: where it lies in the answer, or unescaped in
        /// `unescapedKey` when it was written with escapes (nil range).
        var keyRange: Range<Int>? = nil
        var unescapedKey: [UInt8] = []

        func malformed(_ reason: String = "bulk response is not valid JSON") -> JSONParseError {
            JSONParseError(offset: scanner.position, reason: reason)
        }

        /// The top-level object: `items` matters, the rest (`took`, `errors`) is skipped.
        mutating func response() throws -> [BulkItemResult] {
            var items: [BulkItemResult]?
            try members { reader in
                if reader.keyIs("items") {
                    items = try reader.itemList()
                } else {
                    try reader.skip()
                }
            }
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw malformed() }
            guard let items else { throw malformed("bulk response has no items array") }
            return items
        }

        mutating func itemList() throws -> [BulkItemResult] {
            guard scanner.expect(UInt8(ascii: "[")) else { throw malformed("bulk response items is not an array") }
            var items: [BulkItemResult] = []
            if scanner.expect(UInt8(ascii: "]")) { return items }
            repeat {
                items.append(try item())
            } while scanner.expect(UInt8(ascii: ","))
            guard scanner.expect(UInt8(ascii: "]")) else { throw malformed() }
            return items
        }

        /// `{"create": {...}}`: the first member is the result, whatever its action.
        mutating func item() throws -> BulkItemResult {
            var result: BulkItemResult?
            try members { reader in
                if result == nil, reader.scanner.peekAfterWhitespace() == UInt8(ascii: "{") {
                    result = try reader.actionResult()
                } else {
                    if result == nil { result = BulkItemResult(status: 0) }
                    try reader.skip()
                }
            }
            return result ?? BulkItemResult(status: 0)
        }

        mutating func actionResult() throws -> BulkItemResult {
            var result = BulkItemResult(status: 0)
            try members { reader in
                if reader.keyIs("status") {
                    var probe = reader.scanner
                    guard let status = probe.readInt64() else { return try reader.skip() }
                    result.status = Int(clamping: status)
                    reader.scanner = probe
                } else if reader.keyIs("failure_store"), reader.scanner.peekAfterWhitespace() == UInt8(ascii: "\"") {
                    result.failureStore = try reader.string()
                } else if reader.keyIs("error") {
                    switch reader.scanner.peekAfterWhitespace() {
                    case UInt8(ascii: "\""): result.reason = try reader.string()
                    case UInt8(ascii: "{"): try reader.error(into: &result)
                    default: try reader.skip()
                    }
                } else {
                    try reader.skip()
                }
            }
            if result.failureStore == "used" && result.reason == nil {
                result.errorType = "failure_store_used"
                result.reason = "Elasticsearch refused the document and put it in the data stream's failure store; logstream stores it in the safe form instead (turn the failure store off for these data streams to see the refusal's reason)"
            }
            return result
        }

        mutating func error(into result: inout BulkItemResult) throws {
            try members { reader in
                let isType = reader.keyIs("type")
                let isReason = reader.keyIs("reason")
                guard (isType || isReason), reader.scanner.peekAfterWhitespace() == UInt8(ascii: "\"") else { return try reader.skip() }
                let text = try reader.string()
                if isType { result.errorType = text } else { result.reason = text }
            }
        }

        /// Calls `member` with `key` set and the scanner at each member's value, which
        /// `member` must consume.
        mutating func members(_ member: (inout Reader) throws -> Void) throws {
            guard scanner.expect(UInt8(ascii: "{")) else { throw malformed() }
            if scanner.expect(UInt8(ascii: "}")) { return }
            repeat {
                guard scanner.peekAfterWhitespace() == UInt8(ascii: "\"") else { throw malformed() }
                let start = scanner.position + 1
                guard scanner.skipString() else { throw malformed() }
                keyRange = start..<scanner.position - 1
                if scanner.bytes[keyRange!].contains(0x5C) {
                    unescapedKey = JSONScanner.unescaped(UnsafeBufferPointer(rebasing: scanner.bytes[keyRange!]))
                    keyRange = nil
                }
                guard scanner.expect(UInt8(ascii: ":")) else { throw malformed() }
                try member(&self)
            } while scanner.expect(UInt8(ascii: ","))
            guard scanner.expect(UInt8(ascii: "}")) else { throw malformed() }
        }

        func keyIs(_ literal: StaticString) -> Bool {
            let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            guard let keyRange else { return unescapedKey.elementsEqual(expected) }
            return keyRange.count == expected.count && UnsafeBufferPointer(rebasing: scanner.bytes[keyRange]).elementsEqual(expected)
        }

        mutating func string() throws -> String {
            var text: [UInt8] = []
            scanner.skipWhitespace()
            guard scanner.readString(into: &text) else { throw malformed() }
            return String(decoding: text, as: UTF8.self)
        }

        mutating func skip() throws {
            guard scanner.skipValue() != nil else { throw malformed() }
        }
    }
}
