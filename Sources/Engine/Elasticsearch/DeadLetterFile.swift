import Glibc

/// Documents Elasticsearch refused for good, one JSON object per line, with the reason.
/// Operators find them next to the checkpoint file; nothing is dropped silently.
actor DeadLetterFile {
    let path: String
    private(set) public var written = 0

    init(path: String) {
        self.path = path
    }

    func record(_ document: LogDocument, status: Int, errorType: String?, reason: String?) throws {
        var writer = JSONWriter(capacity: document.source.count + 256)
        writer.raw("{\"time\":")
        writer.string(Timestamp.format(WallClock.nowMillis()))
        writer.raw(",\"log_group\":")
        writer.string(document.logGroup)
        writer.raw(",\"index\":")
        writer.string(document.index)
        writer.raw(",\"_id\":")
        writer.string(document.id)
        writer.raw(",\"status\":")
        writer.integer(status)
        writer.raw(",\"error_type\":")
        writer.string(errorType ?? "unknown")
        writer.raw(",\"reason\":")
        writer.string(reason ?? "")
        writer.raw(",\"document\":")
        writer.bytes.append(contentsOf: document.source)
        writer.raw("}\n")
        try append(writer.bytes)
        written += 1
    }

    private func append(_ bytes: [UInt8]) throws {
        var fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if fd < 0 && errno == ENOENT {
            // The first refusal can come before the first checkpoint write made the directory.
            try FileIO.makeDirectories(FileIO.parentDirectory(of: path))
            fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        }
        guard fd >= 0 else { throw FileError(path: path, operation: "open the dead-letter file", code: errno) }
        defer { close(fd) }
        try FileIO.writeAll(fd, bytes, path: path)
        guard fsync(fd) == 0 else { throw FileError(path: path, operation: "sync the dead-letter file", code: errno) }
    }
}
