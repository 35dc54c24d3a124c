import Glibc

/// Runs a shell command and collects what it prints, with posix_spawn and a poll loop over
/// its two pipes (so neither can fill up and stall it). Used for `credential_process`;
/// Foundation's Process is not, as it keeps a reference to every process it started.
enum ChildProcess {
    struct Result {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(shell command: String) throws -> Result {
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
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        // strdup'd C strings live until freed below, after posix_spawn has copied them.
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        close(out[1])
        close(err[1])
        guard spawned == 0 else {
            close(out[0]); close(err[0])
            throw Failure(description: "cannot start /bin/sh (error \(spawned))")
        }
        var result = Result(status: 0, stdout: [], stderr: [])
        var open: [Int32: Bool] = [out[0]: true, err[0]: true]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while open.values.contains(true) {
            var fds = open.filter(\.value).keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else { break }
            for entry in fds where entry.revents != 0 {
                // read() writes at most `count` bytes into the buffer it is given.
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if entry.fd == out[0] { result.stdout += buffer[..<count] } else { result.stderr += buffer[..<count] }
                } else if count == 0 || errno != EINTR {
                    open[entry.fd] = false
                }
            }
        }
        close(out[0])
        close(err[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, spelled out: the macros are not imported.
        result.status = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return result
    }
}
