import CCurl
import Foundation

/// The state of one request while libcurl works on it. Unchecked Sendable because it is
/// handed between two threads in turn, never used by both at once: the submitting task
/// sets `whenDone` and queues it (under the transport's queue lock); from then on only the
/// loop thread touches it, until it publishes the outcome under `result`'s lock and resumes
/// `whenDone` exactly once; after that only the submitting task reads the outcome, under
/// the same lock. The lock is what makes the loop thread's writes (the body above all)
/// visible to the task, and what ThreadSanitizer sees; a continuation's resume alone is an
/// edge it does not.
final class CurlTransfer: @unchecked Sendable {
    let request: HTTPRequest
    var whenDone: CheckedContinuation<Void, Never>?
    private let result = Locked<Result<HTTPResponse, HTTPTransportError>?>(nil)
    private var body: [UInt8] = []
    /// Set when the answer grew past `maxResponseBytes` and was abandoned.
    private var tooLarge = false
    private var headers: [HTTPHeader] = []
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(request: HTTPRequest) {
        self.request = request
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        errorBuffer.deallocate()
        if let headerList { ls_curl_slist_free_all(headerList) }
    }

    func configure(_ easy: UnsafeMutableRawPointer) {
        setString(easy, CURLOPT_URL, request.url)
        _ = ls_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ls_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        _ = ls_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, max(1, Int(request.timeoutSeconds * 1000)))
        _ = ls_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(min(request.timeoutSeconds, 10) * 1000)))
        _ = ls_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        // Ask for compressed responses; libcurl decodes them transparently. Both sizes are
        // capped: what arrives (a declared Content-Length beyond the cap is refused before
        // the body), and what it expands to (`appendBody`).
        setString(easy, CURLOPT_ACCEPT_ENCODING, "")
        _ = ls_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(HTTPResponse.maxBytes))

        switch request.method {
        case "GET":
            break
        case "HEAD":
            _ = ls_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        default:
            setString(easy, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" {
            // The size must be set before the data, or libcurl measures the body with strlen.
            _ = ls_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            // Sent from where it lies, not copied (bulk bodies are megabytes): `request` keeps
            // the storage alive, unchanged, for as long as this transfer — and so libcurl — uses it.
            request.body.withUnsafeBytes { bytes in
                _ = ls_easy_setopt_ptr(easy, CURLOPT_POSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
            }
        }

        var lines = request.headers.map { "\($0.name): \($0.value)" }
        configureAuth(easy, lines: &lines)
        configureTLS(easy)
        for line in lines {
            headerList = ls_curl_slist_append(headerList, line)
        }
        _ = ls_easy_setopt_ptr(easy, CURLOPT_HTTPHEADER, headerList)

        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = ls_easy_setopt_cb(easy, CURLOPT_WRITEFUNCTION, curlWriteBody)
        _ = ls_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, me)
        _ = ls_easy_setopt_cb(easy, CURLOPT_HEADERFUNCTION, curlWriteHeader)
        _ = ls_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, me)
    }

    private func configureAuth(_ easy: UnsafeMutableRawPointer, lines: inout [String]) {
        switch request.auth {
        case .none:
            // Without this, libcurl waits for a 100-continue answer before large bodies.
            lines.append("Expect:")
        case .basic(let user, let password):
            lines.append("Expect:")
            _ = ls_easy_setopt_long(easy, CURLOPT_HTTPAUTH, 1 /* CURLAUTH_BASIC, a macro Swift cannot import */)
            setString(easy, CURLOPT_USERNAME, user)
            setString(easy, CURLOPT_PASSWORD, password)
        case .apiKey(let key):
            lines.append("Expect:")
            lines.append("Authorization: ApiKey \(key)")
        case .awsSigV4(let signing):
            // No "Expect:" here: libcurl would sign that header and then not send it.
            setString(easy, CURLOPT_AWS_SIGV4, "aws:amz:\(signing.region):\(signing.service)")
            setString(easy, CURLOPT_USERNAME, signing.credentials.accessKeyId)
            setString(easy, CURLOPT_PASSWORD, signing.credentials.secretAccessKey)
            if let token = signing.credentials.sessionToken {
                // libcurl 7.88 has no session-token option, but it signs every custom header.
                lines.append("X-Amz-Security-Token: \(token)")
            }
        }
    }

    private func configureTLS(_ easy: UnsafeMutableRawPointer) {
        if let bundle = request.tls.caBundlePath {
            setString(easy, CURLOPT_CAINFO, bundle)
        }
        if !request.tls.verify {
            _ = ls_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0)
            _ = ls_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0)
        }
    }

    private func setString(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: String) {
        // libcurl copies string options, so the temporary C string may go away afterwards.
        _ = value.withCString { ls_easy_setopt_ptr(easy, option, $0) }
    }

    /// false once the answer would grow past `HTTPResponse.maxBytes`: libcurl then stops.
    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= HTTPResponse.maxBytes else {
            tooLarge = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = bytes.bindMemory(to: UInt8.self)
        if line.starts(with: "HTTP/".utf8) {
            // A new status line (after 100-continue or a redirect) starts a new header block.
            headers.removeAll()
            return
        }
        // Split and trimmed as bytes: every response has a dozen of these lines.
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: Self.trimmed(line[..<colon]), as: UTF8.self)
        let value = String(decoding: Self.trimmed(line[(colon + 1)...]), as: UTF8.self)
        headers.append(HTTPHeader(name, value))
        // Room for the whole body at once: growing by doubling holds two copies of a big page.
        if name.utf8.count == 14, name.lowercased() == "content-length", let length = Int(value), length > 0,
           length <= HTTPResponse.maxBytes, body.isEmpty {
            body.reserveCapacity(length)
        }
    }

    private static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }

    func finish(_ easy: UnsafeMutableRawPointer, result: CURLcode) {
        guard result == CURLE_OK else {
            if tooLarge || result == CURLE_FILESIZE_EXCEEDED {
                fail(HTTPTransportError(kind: .tooLarge, message: "the answer is larger than \(HTTPResponse.maxBytes / 1_048_576) MiB\(tooLarge ? " once decompressed" : ""); "
                                            + "it was refused (a proxy or endpoint that is not the service?)", url: redactedURL(request.url)))
                return
            }
            let detail = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: ls_curl_easy_strerror(result))
            fail(HTTPTransportError(kind: Self.kind(of: result), message: detail, url: redactedURL(request.url)))
            return
        }
        var status = 0
        _ = ls_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        publish(.success(HTTPResponse(status: status, headers: headers, body: body)))
    }

    func fail(_ error: HTTPTransportError) {
        publish(.failure(error))
    }

    private func publish(_ outcome: Result<HTTPResponse, HTTPTransportError>) {
        result.withLock { $0 = outcome }
        whenDone?.resume()
        whenDone = nil
    }

    /// What the loop thread published; called by the submitting task once resumed.
    func outcome() throws -> HTTPResponse {
        guard let outcome = result.withLock({ $0 }) else {
            throw HTTPTransportError(kind: .other, message: "the transfer ended without an outcome", url: redactedURL(request.url))
        }
        return try outcome.get()
    }

    private static func kind(of code: CURLcode) -> HTTPTransportError.Kind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .connect
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE: return .connectionDropped
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return .tls
        default: return .other
        }
    }
}

private let curlWriteBody: ls_data_cb = { pointer, size, count, context in
    let length = size * count
    guard let context, let pointer else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    // Returning less than `length` makes libcurl end the transfer with CURLE_WRITE_ERROR.
    return transfer.appendBody(UnsafeRawBufferPointer(start: pointer, count: length)) ? length : 0
}

private let curlWriteHeader: ls_data_cb = { pointer, size, count, context in
    let length = size * count
    guard let context, let pointer else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    transfer.appendHeaderLine(UnsafeRawBufferPointer(start: pointer, count: length))
    return length
}
