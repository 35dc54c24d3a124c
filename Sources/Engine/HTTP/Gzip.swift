import CCurl

public struct GzipError: Error, CustomStringConvertible {
    public var code: Int32
    public var description: String { "gzip compression failed (zlib code \(code))" }
}

/// gzip (RFC 1952) compression through zlib, for bulk request bodies.
public enum Gzip {
    /// Level 1 trades a little ratio for several times the speed of the default level;
    /// log NDJSON still shrinks by about 10x.
    public static func compress(_ input: [UInt8], level: Int32 = 1) throws -> [UInt8] {
        try compress(input[...], level: level)
    }

    public static func compress(_ input: ArraySlice<UInt8>, level: Int32 = 1) throws -> [UInt8] {
        var stream = z_stream()
        let initCode = ls_deflate_init_gzip(&stream, level)
        guard initCode == Z_OK else { throw GzipError(code: initCode) }
        defer { deflateEnd(&stream) }
        let capacity = Int(deflateBound(&stream, UInt(input.count))) + 32
        var failure: Int32 = Z_OK
        // zlib reads the input and writes at most `capacity` (deflateBound's worst case) bytes,
        // all within these closures; `count` is set to what it wrote, so nothing uninitialised is kept.
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            input.withUnsafeBufferPointer { source in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = UInt32(source.count)
                stream.next_out = buffer.baseAddress
                stream.avail_out = UInt32(capacity)
                let code = deflate(&stream, Z_FINISH)
                if code != Z_STREAM_END { failure = code }
                count = capacity - Int(stream.avail_out)
            }
        }
        guard failure == Z_OK else { throw GzipError(code: failure) }
        return output
    }

    /// Decompresses gzip or zlib data; used to read back what was sent.
    public static func decompress(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        let initCode = ls_inflate_init_auto(&stream)
        guard initCode == Z_OK else { throw GzipError(code: initCode) }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        // The input and chunk pointers are handed to zlib only while these closures run.
        try input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while true {
                let (code, produced) = chunk.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    let code = inflate(&stream, Z_NO_FLUSH)
                    return (code, out.count - Int(stream.avail_out))
                }
                output.append(contentsOf: chunk[0..<produced])
                if code == Z_STREAM_END { return }
                guard code == Z_OK else { throw GzipError(code: code) }
            }
        }
        return output
    }
}
