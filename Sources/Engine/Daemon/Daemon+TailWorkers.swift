/// The daemon's live tail: one worker per group, each on its own timer, and discovery of
/// new groups that match LOG_GROUPS patterns.
extension Daemon {
    /// One worker per group, each on its own timer: a group waiting out a blocked index or
    /// throttling delays only itself. New groups get a worker when discovery finds them.
    func tailLoop() async {
        let settings = engine.settings
        let patterns = parts.sources.contains { $0.entries.contains { $0.hasSuffix("*") } }
        for failure in parts.sourceFailures { sourceFailed(failure) }
        var nextDiscovery = WallClock.monotonicSeconds() + Double(settings.groupDiscoveryIntervalSecs)
        await withTaskGroup(of: Void.self) { workers in
            var working: Set<String> = []
            while !shutdown.isRequested {
                for group in groups where !working.contains(group) {
                    working.insert(group)
                    workers.addTask { await self.tailWorker(group) }
                }
                await shutdown.wait(seconds: Double(settings.pollIntervalSecs))
                if (patterns || !sourceRetry.isEmpty) && WallClock.monotonicSeconds() >= nextDiscovery && !shutdown.isRequested {
                    nextDiscovery = WallClock.monotonicSeconds() + Double(settings.groupDiscoveryIntervalSecs)
                    await discover()
                }
            }
        }
    }

    /// The live tail of one group: a pass every POLL_INTERVAL_SECS (less often while the
    /// group is quiet, `ActivityPolling`) while this instance works on the group and its
    /// health lets it.
    func tailWorker(_ group: String) async {
        let poll = Double(engine.settings.pollIntervalSecs)
        var wasMine = false
        while !shutdown.isRequested {
            let isMine = await mine(group)
            // Taken over (again) from another instance: what this process remembers is stale.
            if isMine && !wasMine && coordinator != nil { await tail.forget(group) }
            wasMine = isMine
            if isMine && health.isDue(group, now: WallClock.monotonicSeconds()) {
                await pass(group)
            }
            if shutdown.isRequested { break }
            await shutdown.wait(seconds: activity.interval(group, pollSeconds: poll, now: WallClock.monotonicSeconds()))
        }
    }

    func pass(_ group: String) async {
        let started = WallClock.nowMillis()
        do {
            let report = try await tail.pass(group: group)
            add(report)
            activity.record(group, newEvents: report.outcome.created, now: WallClock.monotonicSeconds())
            lastGoodPass[group] = started
            if health.succeeded(group) { Log.group(group).info("log group readable again") }
            if report.eventsRead > 0 {
                Log.group(group).info("tail pass", ("read", report.eventsRead), ("created", report.outcome.created),
                         ("already_present", report.outcome.alreadyPresent), ("ms", WallClock.nowMillis() - started))
            }
        } catch {
            await countError(stage: "tail")
            if health.failed(group, error: error, now: WallClock.monotonicSeconds()) {
                Log.group(group).error("tail pass failed", ("error", error))
            } else {
                Log.group(group).debug("tail pass failed again", ("error", error))
            }
        }
    }

    func add(_ report: GroupReport) {
        var total = totals[report.group] ?? GroupReport(group: report.group, index: report.index)
        total.eventsRead += report.eventsRead
        total.outcome = total.outcome + report.outcome
        total.rangesCopied += report.rangesCopied
        totals[report.group] = total
    }

    func discover() async {
        let now = WallClock.monotonicSeconds()
        // A source that failed is tried again once its backoff has passed; the others every round.
        let due = sources.filter { source in sourceRetry[source.name].map { $0.next <= now } ?? true }
        let (found, connected, failures) = await engine.resolveGroups(parts.source, due, defaultAccount: parts.builder.account)
        for source in connected {
            if let index = sources.firstIndex(where: { $0.name == source.name }) { sources[index] = source }
        }
        for source in due where !failures.contains(where: { $0.source == source.name }) {
            if sourceRetry.removeValue(forKey: source.name) != nil {
                Log.info("source readable again; its groups are tailed", ("source", source.name))
            }
        }
        for failure in failures { sourceFailed(failure) }
        do {
            for group in found where !groups.contains(group) {
                try await parts.bootstrap.ensureGroup(group)
                groups.append(group)
                Log.group(group).info("new log group discovered")
            }
            await coordinator?.setGroups(groups)
            announceDelivery()
        } catch {
            Log.warn("log group discovery failed; keeping the known groups", ("error", error))
        }
    }

    /// A source that failed (at start or in discovery): said with its fix, and tried again
    /// after a backoff that doubles from the discovery interval up to an hour. Its groups
    /// known so far keep their workers (whose own errors are reported per group).
    func sourceFailed(_ failure: SourceFailure) {
        let interval = Double(max(30, engine.settings.groupDiscoveryIntervalSecs))
        let failures = (sourceRetry[failure.source]?.failures ?? 0) + 1
        let wait = min(3600, interval * Double(1 << min(failures - 1, 7)))
        sourceRetry[failure.source] = (failures, WallClock.monotonicSeconds() + wait)
        Log.error("source left out for now; the other sources keep shipping", ("source", failure.source), ("error", failure.reason),
                  ("retry_in_s", Int(wait)), ("fix", "fix the source's credentials or log_groups"))
    }

    /// Says once per group count what the request budget allows (`DeliveryEstimate`): a
    /// warning where it cannot poll every group, or compare every group's recent stretch, as
    /// often as configured, with what it delivers instead; the same in the metrics.
    func announceDelivery() {
        guard groups.count != pollCheckedCount else { return }
        pollCheckedCount = groups.count
        let settings = engine.settings
        delivery = DeliveryEstimate.of(groups: groups, DeliveryEstimate.Settings(
            pollSeconds: settings.pollIntervalSecs, reconcileSeconds: settings.reconcileIntervalSecs, tailMaxOverlapSeconds: settings.tailMaxOverlapSecs,
            defaultRegion: settings.region ?? "", perSecond: settings.cloudWatchRate(region:)))
        for estimate in delivery {
            let fields: [(String, Any)] = [
                ("source", estimate.sourceLabel), ("groups", estimate.groups), ("budget_rps", estimate.budgetPerSecond),
                ("poll_s", Int(estimate.pollSeconds.rounded(.up))), ("verify_s", Int(estimate.verifySeconds.rounded(.up))),
                ("late_within_s", Int(estimate.lateSeconds.rounded(.up))),
            ]
            if estimate.pollShort {
                Log.emit(.warn, "polling every group each POLL_INTERVAL_SECS needs more CloudWatch requests than the account and region's request budget allows; "
                         + "each group is polled about every \(Int(estimate.pollSeconds.rounded(.up))) s instead (raise POLL_INTERVAL_SECS, or CLOUDWATCH_MAX_RPS if the account's FilterLogEvents quota is higher)",
                         fields + [("needed_rps", Int(estimate.neededPerSecond.rounded(.up))), ("poll_secs", settings.pollIntervalSecs)])
            }
            if estimate.verifyShort {
                Log.emit(.warn, "comparing every group's recent stretch each RECONCILE_INTERVAL_SECS needs more CloudWatch requests than the tail leaves; "
                         + "each group is compared about every \(Int(estimate.verifySeconds.rounded(.up))) s, so an event up to an hour late is shipped within "
                         + "\(Int((estimate.lateSeconds / 60).rounded(.up))) min of reaching CloudWatch (fewer groups per account and region, or a longer POLL_INTERVAL_SECS, shorten it)",
                         fields + [("reconcile_secs", settings.reconcileIntervalSecs)])
            } else {
                Log.emit(.info, "delivery within the request budget", fields)
            }
        }
    }
}
