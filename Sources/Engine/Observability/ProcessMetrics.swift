import Foundation

/// The process metrics every Prometheus client library exports (`process_cpu_seconds_total`,
/// `process_resident_memory_bytes`, …), read from /proc at the moment of a scrape.
enum ProcessMetrics {
    static func render() -> String {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return "" }
        // Fields after the command name (which may hold spaces), from field 3 (state) on.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double? { number - 3 < fields.count ? Double(fields[number - 3]) : nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        var lines: [(String, String, String, Double)] = []
        if let user = field(14), let system = field(15) {
            lines.append(("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", (user + system) / ticks))
        }
        if let started = field(22), let boot = bootTime() {
            lines.append(("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", boot + started / ticks))
        }
        if let virtual = field(23) {
            lines.append(("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", virtual))
        }
        if let resident = field(24) {
            lines.append(("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", resident * pageSize))
        }
        if let threads = field(20) {
            lines.append(("process_threads", "gauge", "Number of OS threads in the process.", threads))
        }
        if let open = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            lines.append(("process_open_fds", "gauge", "Number of open file descriptors.", Double(open.count)))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            lines.append(("process_max_fds", "gauge", "Maximum number of open file descriptors.", Double(limit.rlim_cur)))
        }
        return lines.map { name, type, help, value in
            "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(Metrics.format(value))\n"
        }.joined()
    }

    /// The system's boot time, seconds since the epoch (`btime` in /proc/stat).
    private static func bootTime() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
