import Foundation
import Glibc

/// Runs a shell command and collects what it prints, with posix_spawn and a poll loop over
/// its two pipes (so neither can fill up and stall it). Used for `credential_process`;
/// Foundation's Process is not, as it keeps a reference to every process it started.
///
/// Bounded as the AWS SDKs bound it: the command gets `timeoutSeconds` (then its whole
/// process group is killed) and `outputLimit` bytes of output. It ends when the command
/// itself exits — a background process it started that keeps stdout open is not waited
/// for. `run` blocks its thread; `runOffPool` gives it a thread of its own, so a slow
/// helper never holds a thread of the shared task pool.
enum ChildProcess {
    struct Result: Sendable {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `run` on a thread of its own; the calling task waits without holding a pool thread.
    /// The result is handed over through a pthread mutex as well as the continuation: when
    /// the command ends before the task has suspended, the continuation's fast path is an
    /// atomic inside the uninstrumented runtime, and ThreadSanitizer reported the output
    /// buffers (written on the helper's thread, read here) as a race (`make sanitize`, now
    /// and then).
    static func runOffPool(shell command: String, timeoutSeconds: Double = 60, outputLimit: Int = 64 * 1024) async throws -> Result {
        let outcome = Locked<Swift.Result<Result, any Error>?>(nil)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                let result = Swift.Result { try run(shell: command, timeoutSeconds: timeoutSeconds, outputLimit: outputLimit) }
                outcome.withLock { $0 = result }
                continuation.resume()
            }
            thread.name = "logstream-child-process"
            thread.start()
        }
        guard let result = outcome.withLock({ $0 }) else { throw Failure(description: "the command's thread ended without a result") }
        return try result.get()
    }

    static func run(shell command: String, timeoutSeconds: Double = 60, outputLimit: Int = 64 * 1024) throws -> Result {
        let child = try spawn(shell: command)
        defer {
            close(child.stdout)
            close(child.stderr)
        }
        return try collect(child, timeoutSeconds: timeoutSeconds, outputLimit: outputLimit)
    }

    /// A started command: its process (leading a process group of its own) and the read
    /// ends of its stdout and stderr.
    private struct Spawned {
        var pid: pid_t
        var stdout: Int32
        var stderr: Int32
    }

    /// `/bin/sh -c command` with stdin from /dev/null and its output into two pipes.
    private static func spawn(shell command: String) throws -> Spawned {
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard pipe(&out) == 0 else { throw Failure(description: "cannot create a pipe (errno \(errno))") }
        guard pipe(&err) == 0 else {
            close(out[0]); close(out[1])
            throw Failure(description: "cannot create a pipe (errno \(errno))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        for descriptor in [out[0], out[1], err[0], err[1]] { posix_spawn_file_actions_addclose(&actions, descriptor) }
        // A process group of its own, so that a timeout ends whatever the command started too.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        // strdup'd C strings live until freed below, after posix_spawn has copied them.
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(out[1])
        close(err[1])
        guard spawned == 0 else {
            close(out[0]); close(err[0])
            throw Failure(description: "cannot start /bin/sh (error \(spawned))")
        }
        return Spawned(pid: pid, stdout: out[0], stderr: err[0])
    }

    /// What the command prints until it exits (or the deadline or the output limit stops it).
    private static func collect(_ child: Spawned, timeoutSeconds: Double, outputLimit: Int) throws -> Result {
        let pid = child.pid
        let deadline = WallClock.monotonicSeconds() + timeoutSeconds
        var result = Result(status: 0, stdout: [], stderr: [])
        var open: [Int32: Bool] = [child.stdout: true, child.stderr: true]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var exitStatus: Int32?

        func drain(_ fd: Int32) {
            // read() writes at most `count` bytes into the buffer it is given.
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                if fd == child.stdout { result.stdout += buffer[..<count] } else { result.stderr += buffer[..<count] }
            } else if count == 0 || errno != EINTR {
                open[fd] = false
            }
        }
        func killGroup() {
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }

        while open.values.contains(true) {
            let left = deadline - WallClock.monotonicSeconds()
            guard left > 0 else {
                killGroup()
                throw Failure(description: "it did not finish within \(Int(timeoutSeconds)) s and was stopped")
            }
            var fds = open.filter(\.value).keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            // Short waits while the command runs, so that its exit is noticed even when a
            // process it left behind keeps the pipes open.
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(left, 0.05) * 1000) + 1)
            if ready < 0 && errno != EINTR { break }
            for entry in fds where entry.revents != 0 { drain(entry.fd) }
            guard result.stdout.count + result.stderr.count <= outputLimit else {
                killGroup()
                throw Failure(description: "it printed more than \(outputLimit / 1024) KiB and was stopped")
            }
            if exitStatus == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { exitStatus = status }
            }
            if exitStatus != nil {
                // The command has ended: take what is already in the pipes, and no more.
                for (fd, isOpen) in open where isOpen {
                    let flags = fcntl(fd, F_GETFL)
                    _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
                    while open[fd] == true {
                        let before = result.stdout.count + result.stderr.count
                        drain(fd)
                        if result.stdout.count + result.stderr.count == before { break }
                    }
                }
                break
            }
        }
        var status: Int32 = exitStatus ?? 0
        while exitStatus == nil {
            // The pipes closed while the command runs on: wait for it, within the deadline.
            if waitpid(pid, &status, WNOHANG) == pid { break }
            guard WallClock.monotonicSeconds() < deadline else {
                killGroup()
                throw Failure(description: "it did not finish within \(Int(timeoutSeconds)) s and was stopped")
            }
            usleep(10_000)
        }
        // WIFEXITED / WEXITSTATUS, spelled out: the macros are not imported.
        result.status = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return result
    }
}
