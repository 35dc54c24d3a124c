import Glibc

/// Where a tail pass reads, so that events CloudWatch ingests late are not skipped and an
/// on-time event is read about once, not once per pass of a wide window.
///
/// - Every pass reads the group from just behind the newest event acknowledged: twice the
///   on-time streams' measured ingestion lag plus `quickMargin` (events become readable a
///   little after they are ingested).
/// - Every (window + 30 s) / 2 the pass reads the whole window instead — the window being
///   twice the worst ingestion lag of the group's recently active on-time streams plus 30 s,
///   never less than `minOverlap`, never more than `maxOverlap` — in the same request, so
///   sweeping costs no request. The window is sized for lags up to (window − 30 s) / 2, and
///   an event that late is still inside it at the first sweep after it reaches CloudWatch:
///   (window − 30 s) / 2 + (window + 30 s) / 2 = window. At the least window, every 45 s.
/// - Streams much later than the rest (a batch job's, a device that uploads every few
///   minutes, a stream that took a burst of old events) do not widen the group's window: they are read on their own
///   (FilterLogEvents' `logStreamNames`) back as far as they need, as often as a sweep of
///   that window.
///
/// Events later than that are left to verification.
package struct TailWindow: Sendable, Equatable {
    var minOverlap: EpochMillis
    var maxOverlap: EpochMillis
    package static let margin: EpochMillis = 30_000
    package static let quickMargin: EpochMillis = 5_000
    /// FilterLogEvents takes at most this many `logStreamNames`.
    static let maxLateStreams = 100

    init(minOverlap: EpochMillis, maxOverlap: EpochMillis) {
        self.minOverlap = minOverlap
        self.maxOverlap = max(minOverlap, maxOverlap)
    }

    /// Where one pass may read.
    struct Plan: Sendable, Equatable {
        /// The whole group, from here, every pass.
        var start: EpochMillis
        /// The whole group, from here, when a sweep is due (`Reach.due`).
        var sweep: Reach
        /// Streams later than the rest, read on their own, when due.
        var late: Late?
    }

    struct Reach: Sendable, Equatable {
        var start: EpochMillis
        /// How far behind the newest event it starts.
        var overlap: EpochMillis

        /// Whether a sweep last done at `last` is due again at `now`: every (overlap + margin) / 2.
        func due(last: EpochMillis?, now: EpochMillis) -> Bool {
            last.map { now - $0 >= (overlap + TailWindow.margin) / 2 } ?? true
        }
    }

    struct Late: Sendable, Equatable {
        var streams: [String]
        var reach: Reach
    }

    /// The window a stream with this lag needs.
    func need(lag: EpochMillis) -> EpochMillis {
        min(maxOverlap, max(minOverlap, 2 * lag + Self.margin))
    }

    /// Where the next pass reads; nil when the group has never been tailed.
    func plan(for group: CheckpointState.Group) -> Plan? {
        guard let newestIngestion = group.streams.values.map(\.lastIngestion).max(),
              let newestEvent = group.tailPosition else { return nil }
        // Ingestion time is when the last pass could see data; event time bounds it from
        // below for streams whose clocks run ahead.
        let anchor = min(newestIngestion, newestEvent)
        let active: [Stream] = group.streams.filter { $0.value.lastIngestion >= newestIngestion - maxOverlap }
            .map { Stream(name: $0.key, lag: $0.value.lagMillis, need: need(lag: $0.value.lagMillis)) }
            .sorted()
        guard let widest = active.last else {
            return Plan(start: anchor - maxOverlap, sweep: Reach(start: anchor - maxOverlap, overlap: maxOverlap))
        }
        // Late: needing more than twice what the middle stream needs (the lower one of two,
        // and more than the least window). Read apart while at least one stream is on time
        // and there are no more than a request can name; otherwise the group is swept whole.
        let typical = active[(active.count - 1) / 2].need
        var late = active.filter { $0.need > max(minOverlap, 2 * typical) }
        if late.count > Self.maxLateStreams || late.count >= active.count { late = [] }
        let onTime = active.dropLast(late.count)
        let sweep = onTime.last?.need ?? widest.need
        let onTimeLag = onTime.map { $0.lag }.max() ?? 0
        let quick = min(sweep, 2 * onTimeLag + Self.quickMargin)
        let lateRead = late.isEmpty ? nil : Late(streams: late.map { $0.name }.sorted(), reach: Reach(start: anchor - widest.need, overlap: widest.need))
        return Plan(start: anchor - quick, sweep: Reach(start: anchor - sweep, overlap: sweep), late: lateRead)
    }

    /// A recently active stream, by the window it needs.
    private struct Stream: Comparable {
        var name: String
        var lag: EpochMillis
        var need: EpochMillis

        static func < (lhs: Stream, rhs: Stream) -> Bool {
            (lhs.need, lhs.name) < (rhs.need, rhs.name)
        }
    }
}
