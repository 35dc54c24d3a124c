import Engine

/// The options a command's code reads, as values: `invocation.has(.json)` cannot name an
/// option that does not exist, where a string could, and silently read nothing.
extension OptionSpec {
    static let config = OptionSpec("config", value: "FILE", "Read settings from this TOML file (default: $LOGSTREAM_CONFIG, then ~/.config/logstream/config.toml)", completion: .file)
    static let logLevel = OptionSpec("log-level", value: "LEVEL", "Least severe log lines to print: debug, info, warn or error (default: info)",
                                     completion: .choices(LogLevel.allCases.map(\.name)))
    static let logFormat = OptionSpec("log-format", value: "FORMAT", "Log lines as key=value text or one JSON object per line (default: text)",
                                      completion: .choices(LogFormat.allCases.map(\.rawValue)))

    static let json = OptionSpec("json", "Print the result as JSON on stdout")
    static let quiet = OptionSpec("quiet", short: "q", "Print only errors and the final summary (no progress)")
    static let dryRun = OptionSpec("dry-run", "Show what would be done without changing anything")

    static let days = OptionSpec("days", value: "N", "Cover the last N days, ending now", setting: "BACKFILL_DAYS")
    static let since = OptionSpec("since", value: "TIME", "Start of the range: RFC 3339 (2024-05-01T00:00:00Z, 2024-05-01) or an age (36h, 7d)")
    static let until = OptionSpec("until", value: "TIME", "End of the range, same forms as --since (default: now)")

    static let follow = OptionSpec("follow", short: "f", "Keep tailing every POLL_INTERVAL_SECS until SIGINT/SIGTERM; new groups matching LOG_GROUPS patterns are picked up")
    static let deleteExtras = OptionSpec("delete-extras", "Delete documents CloudWatch does not have (only where its retention still covers the window)")
    static let report = OptionSpec("report", value: "FILE", "Also write the coverage map as a self-contained HTML page (an SVG heat map per group)", completion: .file)
    static let stream = OptionSpec("stream", value: "NAME", "Only this log stream")
    static let roleArn = OptionSpec("role-arn", value: "ARN", "IAM role CloudWatch Logs assumes to put records into the stream (needed unless --dry-run)")
    static let yes = OptionSpec("yes", short: "y", "Do not ask for confirmation")
}
