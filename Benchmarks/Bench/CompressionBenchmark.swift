import CZlib
import CLibdeflate
import Engine
import Glibc

/// zlib level 1, libdeflate level 1 and ISA-L igzip level 1, in-process, over the very same
/// bulk bodies: the NDJSON logstream sent in the pipeline run, cut at document boundaries
/// into requests of about 1 MiB. Each codec compresses every body once per round; the
/// median round counts. Every output is decompressed with zlib and compared with its input.
struct CompressionBenchmark {
    var rounds = 5
    var requestBytes = 1 << 20

    struct Figure {
        var codec: String
        var cpuSeconds: Double
        var inputBytes: Int
        var outputBytes: Int
    }

    func run(ndjsonPath: String) throws -> [String] {
        guard let ndjson = try FileIO.read(path: ndjsonPath), !ndjson.isEmpty else {
            return ["compression benchmark: \(ndjsonPath) is missing or empty"]
        }
        let bodies = cut(ndjson)
        let codecs: [(String, (ArraySlice<UInt8>) throws -> [UInt8])] = [
            ("zlib-1", { try Gzip.compress($0, codec: .zlib) }),
            ("libdeflate-1", libdeflate),
            ("igzip-1", { try Gzip.compress($0, codec: .igzip) }),
        ]
        var lines: [String] = []
        for (name, compress) in codecs {
            var outputBytes = 0
            for body in bodies {
                let compressed = try compress(body)
                outputBytes += compressed.count
                guard try Gzip.decompress(compressed)[...] == body else { return ["compression benchmark: \(name) did not round-trip"] }
            }
            var times: [Double] = []
            for _ in 0..<rounds {
                let start = cpuSeconds()
                for body in bodies { _ = try compress(body) }
                times.append(cpuSeconds() - start)
            }
            lines.append("codec \(name) cpu=\(median(times)) in=\(ndjson.count) out=\(outputBytes) bodies=\(bodies.count)")
        }
        return lines
    }

    /// Bodies of about `requestBytes`, each ending after a document line (every second line).
    func cut(_ ndjson: [UInt8]) -> [ArraySlice<UInt8>] {
        var bodies: [ArraySlice<UInt8>] = []
        var start = 0, lines = 0
        for index in ndjson.indices where ndjson[index] == UInt8(ascii: "\n") {
            lines += 1
            if lines % 2 == 0 && index + 1 - start >= requestBytes {
                bodies.append(ndjson[start...index])
                start = index + 1
            }
        }
        if start < ndjson.count { bodies.append(ndjson[start...]) }
        return bodies
    }

    func libdeflate(_ input: ArraySlice<UInt8>) throws -> [UInt8] {
        guard let compressor = libdeflate_alloc_compressor(1) else { throw CompressionFailure() }
        defer { libdeflate_free_compressor(compressor) }
        let capacity = libdeflate_gzip_compress_bound(compressor, input.count)
        var written = 0
        // libdeflate writes at most `capacity` (its own bound) bytes into the array's storage.
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            input.withUnsafeBufferPointer { source in
                written = libdeflate_gzip_compress(compressor, source.baseAddress, source.count, buffer.baseAddress, capacity)
            }
            count = written
        }
        guard written > 0 else { throw CompressionFailure() }
        return output
    }
}

struct CompressionFailure: Error {}
