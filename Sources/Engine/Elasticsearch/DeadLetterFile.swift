import Glibc

/// Documents Elasticsearch refused for good, one JSON object per line, with the reason.
/// Operators find them next to the checkpoint file; nothing is dropped silently.
///
/// Each document is written once: verification ships a missing event again at each of its
/// stages, and a document refused once is refused each time, so a document whose `_id` the
/// file (or its previous part) already holds is not written again. The file is bounded:
/// past `maxBytes` it moves to `<path>.1` (replacing an older one) and a new one starts.
actor DeadLetterFile {
    let path: String
    let maxBytes: Int
    private(set) public var written = 0
    /// The ids in the file and its previous part, read at the first refusal.
    private var recorded: Set<String>?

    init(path: String, maxBytes: Int = 64 * 1_048_576) {
        self.path = path
        self.maxBytes = maxBytes
    }

    var previousPart: String { path + ".1" }

    /// Writes the document with its reason; false when the file already holds it.
    @discardableResult
    func record(_ document: LogDocument, status: Int, errorType: String?, reason: String?) throws -> Bool {
        if recorded == nil { recorded = Self.ids(in: previousPart).union(Self.ids(in: path)) }
        guard recorded?.contains(document.id) != true else { return false }
        var writer = JSONWriter(capacity: document.source.count + 256)
        writer.raw("{\"time\":")
        writer.string(Timestamp.format(WallClock.nowMillis()))
        writer.raw(",\"log_group\":")
        writer.string(document.logGroup.rawValue)
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
        try rotateIfFull()
        try append(writer.bytes)
        recorded?.insert(document.id)
        written += 1
        return true
    }

    private func rotateIfFull() throws {
        var status = stat()
        guard stat(path, &status) == 0, Int(status.st_size) >= maxBytes else { return }
        guard rename(path, previousPart) == 0 else { throw FileError(path: path, operation: "move aside the full dead-letter file", code: errno) }
        // The ids of the part replaced are no longer on disk.
        recorded = Self.ids(in: previousPart)
        Log.info("dead-letter file full; its lines moved to the previous part", ("file", path), ("previous", previousPart), ("bytes", Int(status.st_size)))
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

    /// The `_id` of every line of a dead-letter file (each line's first `"_id":"…"`: ids are
    /// base64url, never escaped).
    static func ids(in file: String) -> Set<String> {
        guard let bytes = try? FileIO.read(path: file) else { return [] }
        let marker = Array(#""_id":""#.utf8)
        var ids = Set<String>()
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let start = line.firstRange(of: marker)?.upperBound,
                  let end = line[start...].firstIndex(of: UInt8(ascii: "\"")) else { continue }
            ids.insert(String(decoding: line[start..<end], as: UTF8.self))
        }
        return ids
    }
}
