// `make bench`: performance figures measured in one run, each next to its baseline.
let transform = try TransformBenchmark().run()
for line in transform { print(line) }
