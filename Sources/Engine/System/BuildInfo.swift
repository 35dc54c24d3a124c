import CBuildInfo
import CCurl
import CIgzip
import CZlib
import Foundation

/// What `logstream --version` says of the build: the commit it was made from and the C
/// libraries it runs with — libcurl and zlib as loaded now, ISA-L as built against (it has
/// no call that tells its version at run time).
public enum BuildInfo {
    /// nil when the build did not record one (not built through the Makefile).
    public static var commit: String? {
        let commit = String(cString: ls_build_commit())
        return commit.isEmpty ? nil : commit
    }

    /// One line per library: "libcurl 7.88.1 (OpenSSL/3.0.17 zlib/1.2.13 …)", "zlib 1.2.13",
    /// "ISA-L 2.30.0"; libcurl's says why when it cannot be opened.
    public static var libraries: [String] {
        let curl: String
        if let failure = ls_curl_load() {
            curl = "libcurl not loaded: \(String(cString: failure))"
        } else {
            var parts = String(cString: ls_curl_version()).split(separator: " ")
            let first = parts.isEmpty ? "libcurl/?" : parts.removeFirst()
            curl = first.replacingOccurrences(of: "/", with: " ") + (parts.isEmpty ? "" : " (\(parts.joined(separator: " ")))")
        }
        let isal = ls_isal_version()
        return [curl, "zlib \(String(cString: zlibVersion()))", "ISA-L \(isal >> 16).\((isal >> 8) & 0xff).\(isal & 0xff)"]
    }
}
