import Engine
import Glibc

/// Shows a long copy's progress on stderr: on a terminal a bar redrawn in place with
/// rate and time left; otherwise a plain log line every 10 seconds, which is what a
/// journal or a CI log wants. Silent with --quiet.
final class ProgressView: Sendable {
    let meter: ProgressMeter
    let onTerminal: Bool
    let label: String
    private let task: Task<Void, Never>

    init(meter: ProgressMeter, label: String, onTerminal: Bool = isatty(2) == 1) {
        self.meter = meter
        self.onTerminal = onTerminal
        self.label = label
        task = Task { [meter, label, onTerminal] in
            var lastLine = WallClock.monotonicSeconds()
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: onTerminal ? 250_000_000 : 1_000_000_000)
                let snapshot = await meter.snapshot
                if onTerminal {
                    Output.prompt("\r\u{1B}[2K" + Self.bar(snapshot, label: label))
                } else if WallClock.monotonicSeconds() - lastLine >= 10 {
                    lastLine = WallClock.monotonicSeconds()
                    Log.info("\(label) progress", ("percent", Int(snapshot.fraction * 100)), ("events", snapshot.events),
                             ("events_per_s", Int(snapshot.eventsPerSecond)), ("eta_s", snapshot.etaSeconds.map { Int($0) } ?? -1))
                }
            }
        }
    }

    /// A meter, and unless `--quiet` a view of it, for `label`'s run. On a terminal the bar
    /// is the news, so info lines (which would tear it) are held back unless --log-level asks.
    static func start(_ invocation: Invocation, label: String) -> (ProgressMeter, ProgressView?) {
        let meter = ProgressMeter()
        guard !invocation.has(.quiet) else { return (meter, nil) }
        let view = ProgressView(meter: meter, label: label)
        if view.onTerminal && invocation.value(.logLevel) == nil { Log.configure(level: .warn, format: Log.format) }
        return (meter, view)
    }

    /// Stops drawing; on a terminal the bar is left in its final state on its own line.
    func finish() async {
        task.cancel()
        if onTerminal {
            Output.prompt("\r\u{1B}[2K" + Self.bar(await meter.snapshot, label: label) + "\n")
        }
    }

    static func bar(_ snapshot: ProgressMeter.Snapshot, label: String, width: Int = 24) -> String {
        let filled = Int((snapshot.fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = snapshot.etaSeconds.map { "ETA \(duration($0))" } ?? "ETA --"
        return "\(label) [\(bar)] \(Int(snapshot.fraction * 100))%  \(snapshot.events) events  \(Int(snapshot.eventsPerSecond))/s  \(eta)"
    }

    /// `45s`, `3m05s`, `2h07m`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(twoDigits(total % 60))s" }
        return "\(total / 3600)h\(twoDigits(total % 3600 / 60))m"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
