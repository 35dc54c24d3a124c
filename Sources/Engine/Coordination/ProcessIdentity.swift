import Glibc

/// Which process on which machine holds something, precisely enough to tell later that it
/// is gone: the kernel's boot id and pid namespace say "this machine, this boot, these
/// process numbers", and the start time tells a process from a later one given the same
/// number. A claim held by a process that is gone needs no waiting for it to run out.
struct ProcessIdentity: Sendable, Equatable {
    var bootID: String
    var pidNamespace: String
    var pid: Int32
    var startTicks: UInt64

    /// This process, or nil where /proc cannot say (then no claim is ever judged gone).
    static let current: ProcessIdentity? = {
        let pid = getpid()
        guard let boot = readText("/proc/sys/kernel/random/boot_id"), let namespace = readLink("/proc/self/ns/pid"),
              let start = startTicks(of: pid) else { return nil }
        return ProcessIdentity(bootID: boot, pidNamespace: namespace, pid: pid, startTicks: start)
    }()

    var json: JSONValue {
        ["boot_id": .string(bootID), "pid_namespace": .string(pidNamespace), "pid": .int(Int64(pid)), "start_ticks": .string(String(startTicks))]
    }

    init(bootID: String, pidNamespace: String, pid: Int32, startTicks: UInt64) {
        self.bootID = bootID
        self.pidNamespace = pidNamespace
        self.pid = pid
        self.startTicks = startTicks
    }

    init?(json: JSONValue?) {
        guard let json, let boot = json["boot_id"]?.string, let namespace = json["pid_namespace"]?.string,
              let pid = json["pid"]?.int, let start = json["start_ticks"]?.string.flatMap({ UInt64($0) }) else { return nil }
        self.init(bootID: boot, pidNamespace: namespace, pid: Int32(truncatingIfNeeded: pid), startTicks: start)
    }

    /// True only when this process can see for certain that the other one has ended: same
    /// boot and pid namespace, and no process of that number with that start time. On
    /// another machine, in another container or after a reboot it cannot tell: false.
    func hasEnded(seenFrom observer: ProcessIdentity? = ProcessIdentity.current) -> Bool {
        guard let observer, observer.bootID == bootID, observer.pidNamespace == pidNamespace else { return false }
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        guard let start = Self.startTicks(of: pid) else { return false }
        return start != startTicks
    }

    /// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot.
    static func startTicks(of pid: Int32) -> UInt64? {
        guard let stat = readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        // After the command name (which may hold spaces and parentheses) come fields 3...
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    private static func readText(_ path: String) -> String? {
        guard let bytes = try? FileIO.read(path: path) else { return nil }
        return String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
