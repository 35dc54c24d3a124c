import Engine

/// `logstream backfill`: copy a time range of every group, then print what landed.
enum BackfillCommand {
    static func run(_ invocation: Invocation, environment: [String: String]) async throws -> Int32 {
        let settings = try CLI.settings(invocation, environment: environment)
        let range = try TimeRangeOptions.range(invocation, defaultDays: settings.backfillDays)
        let engine = Engine(settings: settings, environment: environment)
        let (meter, view) = ProgressView.start(invocation, label: "backfill")
        let shutdown = ShutdownSignal()
        shutdown.installHandlers()
        let reports = try await engine.backfill(range: range, progress: meter, shutdown: shutdown)
        await view?.finish()
        if invocation.has(.json) {
            Output.print(ReportFormatter.json(reports, range: range))
        } else {
            Output.print(ReportFormatter.table(reports, range: range))
        }
        if reports.contains(where: { $0.error != nil }) { return 1 }
        // Stopped by a signal: the copy is not complete (130, as shells report an interrupt).
        if shutdown.isRequested { return 130 }
        return DeadLetterNotice.status(reports, path: engine.deadLetterPath)
    }
}
