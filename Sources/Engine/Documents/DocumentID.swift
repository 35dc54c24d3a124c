/// The Elasticsearch `_id` of an event: a 128-bit hash of the log group and the
/// CloudWatch eventId, written as 22 characters of unpadded base64url.
///
/// Deriving it from the event makes every write idempotent: re-sending an event is a
/// `create` that answers 409 instead of a second copy. The group is part of the hash
/// because eventIds are only documented as unique within a group, and two groups can
/// share an index when their names sanitise to the same slug.
enum DocumentID {
    static func make(logGroup: String, eventId: String) -> String {
        let (high, low) = hash(logGroup: logGroup, eventId: eventId)
        return encode(high, low)
    }

    /// A 31-bit number derived from the same hash, stored in each document as
    /// `logstream.id_hash`: summed per time window on both sides, it tells whether two
    /// windows with equal counts hold the same events. 31 bits keep sums of millions of
    /// documents exact in Elasticsearch's double-precision aggregations.
    static func checksum(logGroup: String, eventId: String) -> Int64 {
        checksum(high: hash(logGroup: logGroup, eventId: eventId).0)
    }

    static func checksum(logGroup: String, eventIdUTF8: ArraySlice<UInt8>) -> Int64 {
        checksum(high: hash(logGroup: logGroup, eventIdUTF8: eventIdUTF8).0)
    }

    /// The checksum from the hash's high half (the builder has the hash at hand already).
    static func checksum(high: UInt64) -> Int64 { Int64(high >> 33) }

    static func hash(logGroup: String, eventId: String) -> (UInt64, UInt64) {
        hash(logGroup: logGroup, eventIdUTF8: ArraySlice(eventId.utf8))
    }

    static func hash(logGroup: String, eventIdUTF8: ArraySlice<UInt8>) -> (UInt64, UInt64) {
        let prefix = hashPrefix(logGroup: logGroup)
        return prefix.withUnsafeBufferPointer { prefix in eventIdUTF8.withUnsafeBufferPointer { hash(prefix: prefix, eventId: $0) } }
    }

    /// What every id of a group is hashed after: the group's name and a zero byte.
    static func hashPrefix(logGroup: String) -> [UInt8] {
        Array(logGroup.utf8) + [0]
    }

    static func hash(prefix: UnsafeBufferPointer<UInt8>, eventId: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: prefix.count + eventId.count) { buffer -> (UInt64, UInt64) in
            let base = buffer.baseAddress!
            if let source = prefix.baseAddress { base.update(from: source, count: prefix.count) }
            if let source = eventId.baseAddress { (base + prefix.count).update(from: source, count: eventId.count) }
            return MurmurHash3.hash128(UnsafeRawBufferPointer(buffer))
        }
    }

    /// 16 bytes, big-endian, as 22 characters of unpadded base64url.
    static func encode(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: encodedCount) { out in
            write(high, low, to: out.baseAddress!)
            return encodedCount
        }
    }

    /// The same 22 characters, appended to a buffer being written.
    static func append(_ high: UInt64, _ low: UInt64, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: encodedCount) { out in
            write(high, low, to: out.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(out))
        }
    }

    static let encodedCount = 22

    private static func write(_ high: UInt64, _ low: UInt64, to out: UnsafeMutablePointer<UInt8>) {
        let letters = base64URLAlphabet.utf8Start
        var written = 0
        var bits: UInt32 = 0
        var bitCount = 0
        for index in 0..<16 {
            let byte = UInt8(truncatingIfNeeded: (index < 8 ? high : low) >> (56 - 8 * UInt64(index % 8)))
            bits = bits << 8 | UInt32(byte)
            bitCount += 8
            while bitCount >= 6 {
                bitCount -= 6
                out[written] = letters[Int(bits >> UInt32(bitCount) & 63)]
                written += 1
            }
        }
        out[written] = letters[Int(bits << UInt32(6 - bitCount) & 63)]
    }

    private static let base64URLAlphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
}
