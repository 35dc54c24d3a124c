import Glibc

struct FileError: Error, CustomStringConvertible, Sendable {
    var path: String
    var operation: String
    var code: Int32

    var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(code)))"
    }
}

/// Small POSIX file helpers: complete writes, and replace-by-rename so a reader sees
/// either the old file or the new one, never a half-written one, even after a crash.
public enum FileIO {
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            // In bounds: 0 <= offset < count, and the pointer is used only inside the closure.
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "write", code: errno)
            }
            offset += written
        }
    }

    /// Write to a temporary file in the same directory, fsync it, rename it over `path`,
    /// then fsync the directory so the rename itself is durable.
    public static func replaceAtomically(path: String, with bytes: [UInt8], mode: mode_t = 0o600) throws {
        let directory = parentDirectory(of: path)
        // A name no other process can be writing: random, and created only if absent. A pid
        // would not do — two containers on one volume are both pid 1.
        var temporary = temporaryName(of: path)
        var fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 && errno == ENOENT {
            // Only the first write finds the directory missing: checkpoints are written often.
            try makeDirectories(directory)
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        }
        while fd < 0 && errno == EEXIST {
            temporary = temporaryName(of: path)
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        }
        guard fd >= 0 else { throw FileError(path: temporary, operation: "create", code: errno) }
        do {
            try writeAll(fd, bytes, path: temporary)
            guard fsync(fd) == 0 else { throw FileError(path: temporary, operation: "sync", code: errno) }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(path: path, operation: "replace", code: code)
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    public static func read(path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileError(path: path, operation: "open", code: errno)
        }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            // read(2) writes at most the chunk's own size into it, inside the closure.
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "read", code: errno)
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    /// Which file is at a path now: a replacement by rename is a new inode, a write in
    /// place changes the size or modification time.
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: timespec

        static func == (lhs: Identity, rhs: Identity) -> Bool {
            lhs.device == rhs.device && lhs.inode == rhs.inode && lhs.size == rhs.size
                && lhs.modified.tv_sec == rhs.modified.tv_sec && lhs.modified.tv_nsec == rhs.modified.tv_nsec
        }
    }

    /// nil when nothing is at `path`.
    static func identity(of path: String) -> Identity? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Identity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size), modified: status.st_mtim)
    }

    /// `path.tmp-` and 64 random bits in hex.
    static func temporaryName(of path: String) -> String {
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return "\(path).tmp-" + String(repeating: "0", count: 16 - random.count) + random
    }

    /// Removes the temporary files `replaceAtomically` left beside `path` when the process
    /// writing them was killed before the rename. Call it only while holding the lock that
    /// every writer of `path` holds while it writes (`withLock`): then none of them is live.
    static func removeStaleTemporaries(of path: String) {
        let directory = parentDirectory(of: path)
        let prefix = String(path.split(separator: "/").last ?? "") + ".tmp-"
        guard let listing = opendir(directory) else { return }
        defer { closedir(listing) }
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(listing) {
            // d_name is NUL-terminated inside the record readdir returned, which can be
            // shorter than `dirent` (the kernel packs records to the name's length): read it
            // where it lies, up to its NUL. Copying the field (all 256 bytes of the tuple)
            // read past the end of readdir's buffer for the last record in it.
            let name = String(cString: UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
            if name.hasPrefix(prefix) { unlink(directory + "/" + name) }
        }
    }

    /// Runs `body` holding an exclusive `flock` on `lockPath` (created if missing, with its
    /// directory). The lock belongs to the open file, not to a pid, so it holds between
    /// processes in different pid namespaces on one volume; the kernel drops it when the
    /// holder dies. Waits at most `timeoutSeconds` for another holder.
    static func withLock<T>(_ lockPath: String, timeoutSeconds: Double = 30, _ body: () throws -> T) throws -> T {
        var fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 && errno == ENOENT {
            do {
                try makeDirectories(parentDirectory(of: lockPath))
            } catch let error as FileError {
                throw FileError(path: lockPath, operation: "create the directory of", code: error.code)
            }
            fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        }
        guard fd >= 0 else { throw FileError(path: lockPath, operation: "open the lock file", code: errno) }
        defer { close(fd) }
        let deadline = WallClock.monotonicSeconds() + timeoutSeconds
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else { throw FileError(path: lockPath, operation: "lock", code: code) }
            guard WallClock.monotonicSeconds() < deadline else {
                throw FileError(path: lockPath, operation: "lock (another process has held it for \(Int(timeoutSeconds)) s)", code: code)
            }
            usleep(5_000)
        }
        return try body()
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/\(component)"
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw FileError(path: current, operation: "create directory", code: errno)
            }
        }
    }
}
