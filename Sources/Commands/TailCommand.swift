import Engine

/// `logstream tail [--follow]`: ship what is new, once or until SIGINT/SIGTERM.
enum TailCommand {
    static func run(_ invocation: Invocation, environment: [String: String]) async throws -> Int32 {
        let settings = try CLI.settings(invocation, environment: environment)
        let follow = invocation.has(.follow)
        let shutdown = ShutdownSignal()
        shutdown.installHandlers()
        if follow { shutdown.enforceDeadline(seconds: 30) }
        let engine = Engine(settings: settings, environment: environment)
        let reports = try await engine.tail(follow: follow, shutdown: shutdown)
        if invocation.has(.json) {
            Output.print(ReportFormatter.json(reports, range: nil))
        } else {
            Output.print(ReportFormatter.table(reports, range: nil))
        }
        // A daemon that stopped on request did its job, whatever the last pass met.
        if follow { return 0 }
        if reports.contains(where: { $0.error != nil }) { return 1 }
        return DeadLetterNotice.status(reports, path: engine.deadLetterPath)
    }
}
