import Engine

/// A deterministic, realistic mix of CloudWatch messages between about 100 B and 8 KB:
/// Lambda runtime lines, JSON application logs (some after a Lambda prefix), API Gateway
/// access logs, ECS JSON with nesting, Python tracebacks and plain text with unicode.
struct Corpus {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    mutating func uuid() -> String {
        let hex = String(next(), radix: 16) + String(next(), radix: 16)
        let padded = String(repeating: "0", count: max(0, 32 - hex.count)) + hex
        let c = Array(padded.prefix(32))
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }

    mutating func words(_ count: Int) -> String {
        let vocabulary = ["order", "created", "payment", "authorised", "cache", "miss", "retrying", "downstream", "timeout", "user",
                          "session", "renewed", "queue", "depth", "naïve", "café", "✓", "request", "served", "latency"]
        return (0..<count).map { _ in vocabulary[int(0..<vocabulary.count)] }.joined(separator: " ")
    }

    mutating func message() -> String {
        switch int(0..<10) {
        case 0:
            let d = Double(int(100..<90000)) / 100
            return "REPORT RequestId: \(uuid())\tDuration: \(d) ms\tBilled Duration: \(Int(d) + 1) ms\tMemory Size: 512 MB\tMax Memory Used: \(int(60..<500)) MB"
        case 1:
            return "START RequestId: \(uuid()) Version: $LATEST"
        case 2, 3:
            return "2026-11-24T10:00:00.123Z\t\(uuid())\tINFO\t{\"level\":\"INFO\",\"message\":\"\(words(6))\",\"orderId\":\(int(1..<1_000_000_000)),\"latencyMs\":\(int(1..<300)).\(int(0..<1000)),\"user\":{\"id\":\(int(1..<99999)),\"tier\":\"gold\"}}"
        case 4:
            return "{\"requestId\":\"\(uuid())\",\"ip\":\"203.0.113.\(int(1..<255))\",\"requestTime\":\"24/Nov/2026:10:00:00 +0000\",\"httpMethod\":\"GET\",\"resourcePath\":\"/orders/{id}\",\"status\":\(int(200..<505)),\"protocol\":\"HTTP/1.1\",\"responseLength\":\(int(0..<50000))}"
        case 5:
            return "{\"@timestamp\":\"2026-11-24T10:00:00.123Z\",\"log.level\":\"WARN\",\"logger\":\"com.example.web.RequestLogger\",\"thread\":\"http-nio-8080-exec-\(int(1..<20))\",\"http\":{\"request\":{\"method\":\"POST\",\"headers\":{\"content-type\":\"application/json\",\"x-trace\":\"\(uuid())\"}},\"response\":{\"status_code\":\(int(200..<505))}},\"tags\":[\"web\",\"edge\"],\"message\":\"\(words(12))\"}"
        case 6:
            return "Traceback (most recent call last):\n  File \"/app/worker.py\", line \(int(1..<500)), in handle\n    total = sum(item['price'] for item in cart)\n  File \"/app/cart.py\", line 12, in <genexpr>\nKeyError: 'price'"
        case 7:
            // A large JSON payload, up to about 8 KB.
            let items = (0..<int(20..<120)).map { i in "{\"sku\":\"SKU-\(i)\",\"qty\":\(int(1..<9)),\"price\":\(int(1..<999)).99}" }.joined(separator: ",")
            return "{\"event\":\"cart.checkout\",\"cart\":{\"id\":\"\(uuid())\",\"items\":[\(items)]},\"note\":\"\(words(20))\"}"
        default:
            return "worker \(int(1..<8)) heartbeat ok — \(words(int(4..<40)))"
        }
    }

    /// A FilterLogEvents response page as the service sends it.
    mutating func page(events: Int, group: String) -> [UInt8] {
        var writer = JSONWriter(capacity: events * 400)
        writer.raw("{\"events\":[")
        for index in 0..<events {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.raw("{\"logStreamName\":\"2026/11/24/[$LATEST]0123456789abcdef\",\"timestamp\":")
            writer.integer(1_795_000_000_000 + index * 37)
            writer.raw(",\"message\":")
            writer.string(message())
            writer.raw(",\"ingestionTime\":")
            writer.integer(1_795_000_000_500 + index * 37)
            writer.raw(",\"eventId\":\"3751644475806431289358561146499338628764527658517269")
            writer.integer(1000 + index)
            writer.raw("\"}")
        }
        writer.raw("],\"nextToken\":null,\"searchedLogStreams\":[]}")
        return writer.bytes
    }
}
