import Foundation

/// Where the daemon's HTTP endpoint listens (METRICS_ADDR): `HOST:PORT`, `[IPV6]:PORT` or
/// `:PORT` (every address). Port 0 lets the system pick a free one; the log line that says
/// the endpoint is up names it.
struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// Empty: every address of the host.
    var host: String
    var port: Int

    /// The address `text` names, or why it names none.
    static func parse(_ text: String) -> Result<ListenAddress, ListenAddressError> {
        let value = text.trimmingCharacters(in: .whitespaces)
        let host: Substring
        let port: Substring
        if value.hasPrefix("[") {
            guard let close = value.firstIndex(of: "]"), value[value.index(after: close)...].hasPrefix(":") else {
                return .failure(ListenAddressError("an IPv6 address needs brackets and a port, as in [::1]:9464"))
            }
            host = value[value.index(after: value.startIndex)..<close]
            port = value[value.index(close, offsetBy: 2)...]
        } else {
            guard let colon = value.lastIndex(of: ":") else {
                return .failure(ListenAddressError("expected HOST:PORT, as in 0.0.0.0:9464 or 127.0.0.1:9464"))
            }
            host = value[..<colon]
            port = value[value.index(after: colon)...]
            if host.contains(":") { return .failure(ListenAddressError("an IPv6 address needs brackets, as in [::]:9464")) }
        }
        guard let number = Int(port), (0...65_535).contains(number) else {
            return .failure(ListenAddressError("the port must be a number from 0 to 65535"))
        }
        guard host.allSatisfy({ !$0.isWhitespace && $0 != "/" }) else {
            return .failure(ListenAddressError("the host must be an address or a host name"))
        }
        return .success(ListenAddress(host: String(host), port: number))
    }

    var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

struct ListenAddressError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
