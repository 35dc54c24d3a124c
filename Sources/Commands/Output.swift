import Glibc

/// Writes to stdout (results) and stderr (messages) without buffering surprises.
enum Output {
    static func print(_ text: String, terminator: String = "\n") {
        write(1, text + terminator)
    }

    /// A question on stderr, without a newline, so stdout stays clean for results.
    static func prompt(_ text: String) {
        write(2, text)
    }

    static func error(_ text: String) {
        write(2, text + "\n")
    }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            // In bounds: 0 <= offset < count, and the pointer is used only inside the closure.
            let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
