import CZlib
import CIgzip

struct GzipError: Error, CustomStringConvertible {
    var code: Int32
    var description: String { "gzip compression failed (zlib code \(code))" }
}

/// gzip (RFC 1952) for bulk request bodies — the one Swift file over ISA-L (`CIgzip`) and zlib (`CZlib`). Bodies are compressed whole with ISA-L's igzip
/// at level 1 — about four times zlib level 1's speed at the same size on log NDJSON
/// (`make bench` measures both, and libdeflate, on the same bodies); zlib stays for reading
/// gzip back and as the fallback should igzip ever refuse a buffer.
package enum Gzip {
    package enum Codec: String, Sendable, CaseIterable {
        case igzip
        case zlib
    }

    package static func compress(_ input: [UInt8], codec: Codec = .igzip) throws -> [UInt8] {
        try compress(input[...], codec: codec)
    }

    package static func compress(_ input: ArraySlice<UInt8>, codec: Codec = .igzip) throws -> [UInt8] {
        if codec == .igzip, let compressed = igzip(input) { return compressed }
        return try zlib(input, level: 1)
    }

    /// nil when igzip could not (an input beyond 4 GiB, or no memory for its state).
    static func igzip(_ input: ArraySlice<UInt8>, level: UInt32 = 1) -> [UInt8]? {
        guard input.count < Int(UInt32.max) / 2 else { return nil }
        // Stored blocks, the worst case, add 5 bytes per 64 KiB; gzip's header and trailer 18.
        let capacity = input.count + input.count / 8 + 1_024
        var written = 0
        // igzip reads `input` and writes at most `capacity` bytes into the new array's
        // storage, inside these closures; `count` is set to what it wrote.
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            input.withUnsafeBufferPointer { source in
                written = ls_igzip_compress(source.baseAddress, UInt32(source.count), buffer.baseAddress, UInt32(capacity), level)
            }
            count = written
        }
        return written > 0 ? output : nil
    }

    /// zlib's deflate with a gzip wrapper; level 1 trades a little ratio for several times
    /// the speed of the default level.
    static func zlib(_ input: ArraySlice<UInt8>, level: Int32) throws -> [UInt8] {
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
    /// zlib's CRC-32 (the checksum of every gzip trailer) of `bytes`.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
    }

    package static func decompress(_ input: [UInt8]) throws -> [UInt8] {
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
