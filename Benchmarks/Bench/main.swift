// `make bench`: performance figures measured in one run, each next to its baseline.
if CommandLine.arguments.contains("read-amplification") {
    for line in ReadAmplification().run() { print(line) }
} else {
    let transform = try TransformBenchmark().run()
    for line in transform { print(line) }
}
