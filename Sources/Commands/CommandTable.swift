import Engine

/// The whole command line as data. Parsing, `--help`, the man page and the shell
/// completions are all produced from this one table.
public enum CommandTable {
    public static let version = "0.1.0"

    public static let globalOptions: [OptionSpec] = [
        .config, .logLevel, .logFormat,
        OptionSpec("help", short: "h", "Show help for the command and exit"),
    ]

    static let cloudWatchOptions: [OptionSpec] = [
        .setting("groups", "LOG_GROUPS"),
        .setting("region", "AWS_REGION"),
    ]

    static let elasticsearchOptions: [OptionSpec] = [
        .setting("es-host", "ES_HOST"),
        .setting("index-prefix", "INDEX_PREFIX"),
    ]

    static let throughputOptions: [OptionSpec] = [
        .setting("batch-size", "BATCH_SIZE"),
        .setting("max-in-flight", "MAX_IN_FLIGHT"),
    ]

    static let checkpointOption = OptionSpec.setting("checkpoint-path", "CHECKPOINT_PATH", completion: .file)

    static let rangeOptions: [OptionSpec] = [.days, .since, .until]

    public static let root = CommandSpec(
        "logstream",
        summary: "copy CloudWatch Logs into Elasticsearch and keep the copy complete",
        details: "Settings come from the environment and an optional config.toml; options on the command line win over both.",
        options: [OptionSpec("version", short: "V", "Print the version and exit")],
        subcommands: [
            CommandSpec(
                "tail", summary: "ship everything newer than the checkpoints, then exit (or run as a daemon with --follow)",
                details: "Each pass reads from just behind the newest event, and every (window + 30 s) / 2 re-reads that window (TAIL_MIN_OVERLAP_SECS to TAIL_MAX_OVERLAP_SECS, sized from the ingestion lag measured per stream; a few streams much later than the rest are re-read on their own) so late-arriving events are not skipped; events already shipped are not sent again. A first run without checkpoints starts TAIL_MAX_OVERLAP_SECS back. With --follow it is the daemon: the tail of every group every POLL_INTERVAL_SECS (first in line for CloudWatch and Elasticsearch), and in the background, most urgent first, the last week of history, reconciliation every RECONCILE_INTERVAL_SECS, older history (up to BACKFILL_DAYS) and refresh tuning; background work pauses while either side is under stress. SIGINT or SIGTERM finishes the current page, saves the checkpoints and exits 0 (within 30 seconds at most); a second signal exits at once.",
                options: [.follow, .json,
                          .setting("poll-interval", "POLL_INTERVAL_SECS"), .setting("metrics-file", "METRICS_FILE", completion: .file),
                          .setting("backfill-days", "BACKFILL_DAYS")]
                    + cloudWatchOptions + elasticsearchOptions + throughputOptions + [checkpointOption],
                examples: ["logstream tail", "logstream tail --follow --log-format json"], run: TailCommand.run),
            CommandSpec(
                "backfill", summary: "copy history from CloudWatch into Elasticsearch",
                details: "Copies every event of the range for each group, newest day first. Ranges already shipped (see the checkpoint file) are skipped, so an interrupted backfill resumes where it stopped; re-copying is harmless because documents are created by id.",
                options: rangeOptions + [.json, .quiet]
                    + cloudWatchOptions + elasticsearchOptions + throughputOptions + [checkpointOption],
                examples: ["logstream backfill --days 7", "logstream backfill --since 2024-05-01 --until 2024-05-08 --groups /aws/lambda/api"], run: BackfillCommand.run),
            CommandSpec(
                "reconcile", summary: "compare CloudWatch and Elasticsearch per time window and repair what differs",
                details: "CloudWatch's events are read once per day and summarised per minute (count and a checksum of the event ids) — or, with --counts insights, counted per minute by one Logs Insights query per day; Elasticsearch is asked for the same summary of the whole day, and days that differ are halved until the differing minutes are found. There, missing events are shipped and surplus copies of an event (for example in a sibling index) are removed. Documents CloudWatch does not have are reported, and deleted only with --delete-extras while CloudWatch's retention still covers them. The last two minutes are left out: they are still settling. The run ends with a coverage map: one row per group, one cell per hour (per day beyond four days) — verified, repaired now, still differing, not compared, or empty in CloudWatch (marked when the group's seasonal model expected events there). Exit status 3 when discrepancies remain.",
                options: rangeOptions + [.dryRun, .json, .quiet, .deleteExtras, .report,
                                         .setting("counts", "RECONCILE_COUNTS", completion: .choices(["events", "insights"]))]
                    + cloudWatchOptions + elasticsearchOptions + [checkpointOption],
                examples: ["logstream reconcile --days 7 --json", "logstream reconcile --days 2 --dry-run --report coverage.html"], run: ReconcileCommand.run),
            CommandSpec(
                "heal", summary: "repair mapping conflicts without losing documents",
                details: "Finds fields whose type differs across the indices of INDEX_PREFIX-* (Kibana's \"mapping conflict\"). Each is settled by the type most documents have; that type is pinned in the template, and every group target on the losing side is rebuilt into its standby version (-v1 into -v2 or back): documents copied, values the winning type refuses moved to logstream.conflicts, the stable name switched, every document confirmed in the new target, and only then the old one removed. A run stopped halfway continues where it stopped. Exit status 3 when conflicts remain (for example in indices logstream does not manage).",
                options: [.dryRun, .json, .quiet] + elasticsearchOptions,
                examples: ["logstream heal --dry-run"], run: HealCommand.run),
            CommandSpec(
                "subscribe", summary: "create the subscription filters that deliver the groups of sources read through Kinesis to their streams",
                details: "For every source with a Kinesis stream (KINESIS_STREAM, or kinesis_stream in a [[source]]) and each of its groups: a subscription filter named logstream-<stream> that sends every event to the stream, made with the role CloudWatch Logs assumes (--role-arn). A filter of another name is never replaced; a group that already has two (CloudWatch's limit) is reported and left as it is. tail --follow then reads those groups from the stream instead of polling them. Exit status 3 when a group could not be subscribed.",
                options: [.dryRun, .json, .roleArn] + cloudWatchOptions + [.setting("kinesis-stream", "KINESIS_STREAM")],
                examples: ["logstream subscribe --dry-run", "logstream subscribe --role-arn arn:aws:iam::111111111111:role/cwl-to-kinesis"], run: SubscribeCommand.run),
            CommandSpec(
                "refresh-tune", summary: "set refresh_interval of hot and cold indices",
                details: "An index behind a group's versioned targets is hot while its newest @timestamp is within ES_COLD_AGE_DAYS: it refreshes every ES_HOT_REFRESH_INTERVAL, so Discover shows new events at once; older indices refresh every ES_COLD_REFRESH_INTERVAL. Only settings that differ are changed. tail --follow does this every ES_REFRESH_TUNE_INTERVAL_SECS.",
                options: [.dryRun, .json] + elasticsearchOptions + [.setting("hot-refresh-interval", "ES_HOT_REFRESH_INTERVAL"),
                          .setting("cold-refresh-interval", "ES_COLD_REFRESH_INTERVAL"), .setting("cold-age-days", "ES_COLD_AGE_DAYS")],
                examples: ["logstream refresh-tune --dry-run"], run: RefreshTuneCommand.run),
            CommandSpec(
                "checkpoint", summary: "inspect or change the checkpoint file",
                options: [checkpointOption],
                subcommands: [
                    CommandSpec("show", summary: "print the checkpoints (with COORDINATION=elasticsearch: the leases, their owners and ages)",
                                options: [.json, checkpointOption] + elasticsearchOptions, run: CheckpointCommand.show),
                    CommandSpec("set", summary: "move a group's (or one stream's) checkpoint to a time",
                                details: "The tail resumes from TIME (less its overlap window), and for a whole group backfill treats everything after TIME as not shipped yet.",
                                options: [.stream, checkpointOption],
                                arguments: [ArgumentSpec("GROUP", "log group"), ArgumentSpec("TIME", "RFC 3339 time or an age such as 2d")],
                                examples: ["logstream checkpoint set /aws/lambda/api 2024-05-01T00:00:00Z", "logstream checkpoint set /ecs/web 6h"], run: CheckpointCommand.set),
                    CommandSpec("reset", summary: "forget all checkpoints (or one group's)", options: [.yes, checkpointOption],
                                arguments: [ArgumentSpec("GROUP", "only this log group", optional: true)], run: CheckpointCommand.reset),
                    CommandSpec("verify", summary: "check the checkpoint file's integrity; a damaged file is moved aside",
                                details: "Exit status 0 when the file is sound (or absent), 1 when it is damaged: it is then renamed to FILE.corrupt-TIME and the message explains how to resume.",
                                options: [.json, checkpointOption], run: CheckpointCommand.verify),
                ]),
            CommandSpec(
                "completions", summary: "print a shell completion script",
                arguments: [ArgumentSpec("SHELL", "bash, zsh or fish (or man for the manual page)")],
                examples: ["logstream completions bash > /etc/bash_completion.d/logstream"],
                run: { invocation, _ in try CompletionsCommand.run(invocation) }),
        ])

    public static let exitCodes: [(Int32, String)] = [
        (0, "success"),
        (1, "runtime failure (unreachable service, rejected credentials, I/O error)"),
        (2, "usage or configuration error; the message names the option or setting"),
        (3, "the command ran, but discrepancies or conflicts remain (reconcile, heal), documents went to the dead-letter file (backfill, tail), or a group could not be subscribed (subscribe)"),
        (130, "stopped by SIGINT or SIGTERM before it finished (backfill; what was acknowledged is saved)"),
    ]
}
