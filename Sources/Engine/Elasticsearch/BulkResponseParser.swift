/// Reads a `_bulk` answer's per-item results straight from its bytes: one answer per
/// request, an item per document, so no tree is built for it and no member is kept but
/// the few an item's fate depends on.
enum BulkResponseParser {
    /// Per-item results in request order, whichever action key (`create`, `index`, …)
    /// each item is reported under.
    static func items(from body: [UInt8]) throws -> [BulkItemResult] {
        try body.withUnsafeBufferPointer { bytes in
            var reader = Reader(scanner: JSONScanner(bytes, maxDepth: 512))
            return try reader.response()
        }
    }

    /// The member names a bulk answer is read by.
    private enum Key {
        case items, status, error, failureStore, type, reason, other
    }

    private static let names: [(name: StaticString, key: Key)] = [
        ("items", .items), ("status", .status), ("error", .error), ("failure_store", .failureStore), ("type", .type), ("reason", .reason),
    ]

    private struct Reader {
        var scanner: JSONScanner

        func malformed(_ reason: String = "bulk response is not valid JSON") -> JSONParseError {
            JSONParseError(offset: scanner.position, reason: reason)
        }

        /// The top-level object: `items` matters, the rest (`took`, `errors`) is skipped.
        mutating func response() throws -> [BulkItemResult] {
            var items: [BulkItemResult]?
            try open()
            if !scanner.expect(UInt8(ascii: "}")) {
                repeat {
                    if try key() == .items {
                        items = try itemList()
                    } else {
                        try skip()
                    }
                } while scanner.expect(UInt8(ascii: ","))
                try close()
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
            try open()
            if scanner.expect(UInt8(ascii: "}")) { return BulkItemResult(status: 0) }
            var result: BulkItemResult?
            repeat {
                _ = try key()
                if result == nil, scanner.peekAfterWhitespace() == UInt8(ascii: "{") {
                    result = try actionResult()
                } else {
                    if result == nil { result = BulkItemResult(status: 0) }
                    try skip()
                }
            } while scanner.expect(UInt8(ascii: ","))
            try close()
            return result ?? BulkItemResult(status: 0)
        }

        mutating func actionResult() throws -> BulkItemResult {
            var result = BulkItemResult(status: 0)
            try open()
            if !scanner.expect(UInt8(ascii: "}")) {
                repeat {
                    switch try key() {
                    case .status:
                        var probe = scanner
                        if let status = probe.readInt64() {
                            result.status = Int(clamping: status)
                            scanner = probe
                        } else {
                            try skip()
                        }
                    case .failureStore where scanner.peekAfterWhitespace() == UInt8(ascii: "\""):
                        result.failureStore = try string()
                    case .error:
                        switch scanner.peekAfterWhitespace() {
                        case UInt8(ascii: "\""): result.reason = try string()
                        case UInt8(ascii: "{"): try error(into: &result)
                        default: try skip()
                        }
                    default:
                        try skip()
                    }
                } while scanner.expect(UInt8(ascii: ","))
                try close()
            }
            if result.failureStore == "used" && result.reason == nil {
                result.errorType = "failure_store_used"
                result.reason = "Elasticsearch refused the document and put it in the data stream's failure store; logstream stores it in the safe form instead (turn the failure store off for these data streams to see the refusal's reason)"
            }
            return result
        }

        mutating func error(into result: inout BulkItemResult) throws {
            try open()
            if scanner.expect(UInt8(ascii: "}")) { return }
            repeat {
                let key = try key()
                if key == .type || key == .reason, scanner.peekAfterWhitespace() == UInt8(ascii: "\"") {
                    let text = try string()
                    if key == .type { result.errorType = text } else { result.reason = text }
                } else {
                    try skip()
                }
            } while scanner.expect(UInt8(ascii: ","))
            try close()
        }

        mutating func open() throws {
            guard scanner.expect(UInt8(ascii: "{")) else { throw malformed() }
        }

        mutating func close() throws {
            guard scanner.expect(UInt8(ascii: "}")) else { throw malformed() }
        }

        /// Reads a member's name and its colon, leaving the scanner at the value.
        mutating func key() throws -> Key {
            guard let key = scanner.memberName(among: BulkResponseParser.names, other: .other) else { throw malformed() }
            return key
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
