import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on a loopback TCP port: one thread accepts, one thread serves each connection,
/// keep-alive, Content-Length bodies, `Expect: 100-continue`. Enough for a test double; not for the internet.
public final class HTTPServer: @unchecked Sendable {
    // @unchecked: `connections` and `stopped` are only touched under `lock`; the other stored properties are
    // immutable after init.
    /// The bound port (the real one when 0 was requested).
    public let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (ServerRequest) -> ServerResponse
    private let lock = NSLock()
    private var connections = Set<Int32>()
    private var stopped = false

    private static let maxHeaderBytes = 64 * 1024
    private static let maxBodyBytes = 8 * 1024 * 1024

    /// Binds 127.0.0.1:`port` (0 = any free port) and listens. Call `start()` to begin accepting.
    public init(port: UInt16, handler: @escaping @Sendable (ServerRequest) -> ServerResponse) throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ServerError(operation: "socket", errno: errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw ServerError(operation: "bind 127.0.0.1:\(port)", errno: code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: actual.sin_port)
        self.listener = fd
        self.handler = handler
    }

    /// Starts the accept thread.
    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "sandbox-accept-\(port)"
        thread.start()
    }

    /// Stops accepting and closes every open connection. Handlers still sleeping finish on their own threads.
    public func stop() {
        lock.lock()
        guard !stopped else { lock.unlock(); return }
        stopped = true
        let open = connections
        lock.unlock()
        // shutdown wakes the blocked accept()/recv() calls; each owning thread then closes its descriptor.
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// True after `stop()`.
    public var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR && !isStopped { continue }
                break
            }
            lock.lock()
            if stopped { lock.unlock(); close(fd); break }
            connections.insert(fd)
            lock.unlock()
            let thread = Thread { [self] in serve(fd) }
            thread.stackSize = 512 * 1024
            thread.start()
        }
        close(listener)
    }

    private func serve(_ fd: Int32) {
        defer {
            lock.lock(); connections.remove(fd); lock.unlock()
            close(fd)
        }
        let peer = peerAddress(fd)
        var buffer = [UInt8]()
        while !isStopped {
            guard let (head, headerEnd) = readHead(fd, &buffer) else { return }
            guard var request = parseHead(head, peer: peer) else {
                send(fd, ServerResponse.text(400, "bad request"), keepAlive: false)
                return
            }
            let length = Int(request.headers["content-length"] ?? "0") ?? -1
            guard length >= 0, length <= HTTPServer.maxBodyBytes else {
                send(fd, ServerResponse.text(413, "body too large"), keepAlive: false)
                return
            }
            buffer.removeFirst(headerEnd)
            if buffer.count < length, request.headers["expect"]?.lowercased() == "100-continue" {
                writeAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
            while buffer.count < length {
                guard receive(fd, &buffer) else { return }
            }
            request.body = Data(buffer.prefix(length))
            buffer.removeFirst(length)
            let connectionHeader = request.headers["connection"]?.lowercased() ?? ""
            let keepAlive = head.contains("HTTP/1.1") ? connectionHeader != "close" : connectionHeader == "keep-alive"
            let response = handler(request)
            if isStopped { return }
            send(fd, response, keepAlive: keepAlive)
            if !keepAlive { return }
        }
    }

    /// Reads until the blank line ending the header block; returns the head text and the body's start offset.
    private func readHead(_ fd: Int32, _ buffer: inout [UInt8]) -> (String, Int)? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var searchFrom = 0
        while true {
            if buffer.count >= 4 {
                var index = max(0, searchFrom - 3)
                while index + 4 <= buffer.count {
                    if buffer[index] == 13 && Array(buffer[index..<index + 4]) == terminator {
                        return (String(decoding: buffer[..<index], as: UTF8.self), index + 4)
                    }
                    index += 1
                }
                searchFrom = buffer.count
            }
            if buffer.count > HTTPServer.maxHeaderBytes { return nil }
            guard receive(fd, &buffer) else { return nil }
        }
    }

    private func parseHead(_ head: String, peer: String) -> ServerRequest? {
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count == 3 else { return nil }
        let target = String(parts[1])
        let split = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] =
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return ServerRequest(method: String(parts[0]).uppercased(), path: String(split[0]),
                             query: split.count > 1 ? String(split[1]) : "", headers: headers, body: Data(),
                             remoteAddress: peer)
    }

    private func receive(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count > 0 { buffer.append(contentsOf: chunk.prefix(count)); return true }
            if count < 0 && errno == EINTR { continue }
            return false
        }
    }

    private func send(_ fd: Int32, _ response: ServerResponse, keepAlive: Bool) {
        var head = "HTTP/1.1 \(response.status) \(ServerResponse.reason(response.status))\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        let length = response.body.count + max(0, response.padding)
        head += response.chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: \(length)\r\n"
        head += "Connection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
        guard writeAll(fd, Array(head.utf8)), writePiece(fd, [UInt8](response.body), chunked: response.chunked) else { return }
        // Padding goes out in 64 KiB pieces, so an oversized answer is never held whole, and stops as soon as
        // the client hangs up (as a capped reader does).
        var remaining = max(0, response.padding)
        let piece = [UInt8](repeating: UInt8(ascii: " "), count: 64 * 1024)
        while remaining > 0, !isStopped {
            let count = min(remaining, piece.count)
            guard writePiece(fd, Array(piece.prefix(count)), chunked: response.chunked) else { return }
            remaining -= count
        }
        if response.chunked { _ = writeAll(fd, Array("0\r\n\r\n".utf8)) }
    }

    /// Writes `bytes`, as one chunk when `chunked` (an empty piece writes nothing: a zero chunk ends the body).
    private func writePiece(_ fd: Int32, _ bytes: [UInt8], chunked: Bool) -> Bool {
        guard chunked else { return writeAll(fd, bytes) }
        guard !bytes.isEmpty else { return true }
        return writeAll(fd, Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + Array("\r\n".utf8))
    }

    /// Writes all of `bytes`; false when the peer is gone.
    @discardableResult
    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a client that hung up must not kill the process with SIGPIPE.
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    private func peerAddress(_ fd: Int32) -> String {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        guard result == 0 else { return "unknown" }
        let host = UInt32(bigEndian: address.sin_addr.s_addr)
        return "\(host >> 24).\((host >> 16) & 0xff).\((host >> 8) & 0xff).\(host & 0xff)"
    }
}

/// A socket call failed while starting a server.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public let operation: String
    /// The C errno.
    public let errno: Int32
    /// e.g. "bind 127.0.0.1:17001 failed: Address already in use".
    public var description: String { "\(operation) failed: \(String(cString: strerror(errno)))" }
}
