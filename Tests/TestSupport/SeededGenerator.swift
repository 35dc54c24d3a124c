import Foundation

/// The random source of every test that draws: seeded from `LOGSTREAM_TEST_SEED` when set,
/// otherwise from a fresh draw, and described by its seed so that failure messages carry it
/// and a failing run can be replayed exactly. SplitMix64: small, fast, and good enough for
/// picking test inputs and kill points.
public struct SeededGenerator: RandomNumberGenerator, CustomStringConvertible, Sendable {
    public let seed: UInt64
    private var state: UInt64

    public init(seed: UInt64? = nil) {
        let chosen = seed ?? ProcessInfo.processInfo.environment["LOGSTREAM_TEST_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 0...UInt64.max)
        self.seed = chosen
        state = chosen
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    public var description: String { "seed \(seed) (replay with LOGSTREAM_TEST_SEED=\(seed))" }
}
