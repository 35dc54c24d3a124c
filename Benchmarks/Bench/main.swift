// `make bench`: performance figures measured in one run, each next to its baseline.
import Engine

// The allocator settings the logstream binary makes at start: without them every page's
// buffers are fresh mappings, and the transform would pay page faults the pipeline does not.
ProcessTuning.apply()
let arguments = CommandLine.arguments
if arguments.count >= 3 && arguments[1] == "compression" {
    for line in try CompressionBenchmark().run(ndjsonPath: arguments[2]) { print(line) }
} else if arguments.contains("read-amplification") {
    for line in ReadAmplification().run() { print(line) }
} else if arguments.count >= 3 && arguments[1] == "transform" {
    for line in try TransformBenchmark().run(pagesDirectory: arguments[2]) { print(line) }
} else {
    print("usage: logstream-bench transform PAGES_DIR | compression NDJSON_FILE | read-amplification")
}
