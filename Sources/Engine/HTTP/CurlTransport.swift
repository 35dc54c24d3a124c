import CCurl
import Foundation

/// HTTP over libcurl's multi interface: one background thread drives every transfer,
/// so many requests are in flight at once while connections stay alive in the
/// multi handle's pool and are reused across requests.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    /// The multi handle, or why there is none (libcurl could not be loaded or started).
    private enum Client {
        case ready(UnsafeMutableRawPointer)
        case unavailable(String)
    }

    // The multi handle is touched only by the loop thread, except for
    // curl_multi_wakeup, which libcurl documents as callable from any thread.
    private let client: Client
    private let queue = Locked<[CurlTransfer]>([])

    /// Loads libcurl (once per process) and starts the loop thread.
    init() {
        if let failure = ls_curl_load() {
            client = .unavailable(String(cString: failure))
            return
        }
        CurlTransport.globalInit
        guard let multi = ls_curl_multi_init() else {
            client = .unavailable("libcurl could not start (curl_multi_init failed)")
            return
        }
        client = .ready(multi)
        _ = ls_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 32)
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "logstream-http"
        thread.start()
    }

    private static let globalInit: Void = {
        ls_curl_global_init(Int(CURL_GLOBAL_ALL))
    }()

    /// One transport for the process: its loop thread lives as long as the process.
    public static let shared = CurlTransport()

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let multi: UnsafeMutableRawPointer
        switch client {
        case .ready(let handle): multi = handle
        case .unavailable(let reason): throw HTTPTransportError(kind: .unavailable, message: reason, url: redactedURL(request.url))
        }
        let transfer = CurlTransfer(request: request)
        await withCheckedContinuation { continuation in
            transfer.whenDone = continuation
            queue.withLock { $0.append(transfer) }
            ls_curl_multi_wakeup(multi)
        }
        return try transfer.outcome()
    }

    /// Started only once the multi handle is made.
    private func runLoop() {
        guard case .ready(let multi) = client else { return }
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        var idleHandles: [UnsafeMutableRawPointer] = []
        while true {
            let incoming = queue.withLock { pending -> [CurlTransfer] in
                defer { pending.removeAll(keepingCapacity: true) }
                return pending
            }
            for transfer in incoming {
                guard let easy = idleHandles.popLast() ?? ls_curl_easy_init() else {
                    transfer.fail(HTTPTransportError(kind: .other, message: "curl_easy_init failed", url: redactedURL(transfer.request.url)))
                    continue
                }
                ls_curl_easy_reset(easy)
                transfer.configure(easy)
                ls_curl_multi_add_handle(multi, easy)
                active[easy] = transfer
            }

            var running: Int32 = 0
            ls_curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = ls_curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let result = message.pointee.data.result
                ls_curl_multi_remove_handle(multi, easy)
                if let transfer = active.removeValue(forKey: easy) {
                    transfer.finish(easy, result: result)
                }
                if idleHandles.count < 64 {
                    idleHandles.append(easy)
                } else {
                    ls_curl_easy_cleanup(easy)
                }
            }
            ls_curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }
}
