import Glibc

/// The process's own memory use against a soft limit, read from /proc: above 80 % the
/// controller stops growing batches, above 100 % it shrinks them. CPU: when the process
/// keeps the machine's cores busier than 90 %, batches stop growing too.
struct ResourcePressure: Sendable {
    enum Level: Int, Sendable, Comparable {
        case normal, high, critical
        static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// nil: no limit.
    let softLimitBytes: Int?

    init(softLimitMB: Int) {
        softLimitBytes = softLimitMB > 0 ? softLimitMB * 1_048_576 : nil
    }

    func level(residentBytes: Int? = ResourcePressure.residentBytes()) -> Level {
        guard let softLimitBytes, let residentBytes else { return .normal }
        if residentBytes >= softLimitBytes { return .critical }
        if residentBytes * 10 >= softLimitBytes * 8 { return .high }
        return .normal
    }

    /// `.high` when the process used more than 90 % of all cores between two readings of
    /// `cpuSeconds()` `wallSeconds` apart.
    static func cpuLevel(cpuSeconds: Double, wallSeconds: Double, cores: Int = ResourcePressure.cores) -> Level {
        guard wallSeconds > 0 else { return .normal }
        return cpuSeconds / (wallSeconds * Double(max(1, cores))) > 0.9 ? .high : .normal
    }

    static let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// CPU seconds (user and system) this process has used.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// Resident set size of this process, from /proc/self/statm (pages: size, resident, …).
    static func residentBytes() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        // read(2) writes at most the buffer's own size into it, inside the closure.
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let fields = buffer[..<count].split(separator: UInt8(ascii: " "))
        guard fields.count >= 2, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
