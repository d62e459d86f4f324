import CFastCGI
import Foundation
import Logging
import Web

/// What the server calls for each request: the application's single entry point.
public typealias RequestHandler = @Sendable (Request) -> Response

/// The FastCGI accept loop: the only code in Holdfast that calls libfcgi.
///
/// A fixed pool of worker threads each owns one heap-allocated `FCGX_Request` and serves one request at a
/// time (libfcgi's threaded model, as in its `examples/threaded.c`). With `fastcgi_keep_conn on`, each
/// worker stays bound to one nginx connection between requests, so the pool must be larger than nginx's
/// kept upstream connections plus the peak number of concurrent requests.
public final class FastCGIServer: Sendable {
    /// Where to listen.
    public enum Listener: Sendable {
        /// A unix socket created at this path with this mode.
        case unixSocket(path: String, mode: mode_t)
        /// A socket inherited from systemd socket activation.
        case inherited(fd: Int32)
    }

    /// Bodies larger than this are refused with 413 before being read.
    public static let maximumBodyBytes = 64 * 1024

    private let listener: Listener
    private let workerCount: Int
    private let handler: RequestHandler
    private let logger: Logger
    private let state = ServerState()

    public init(listener: Listener, workerCount: Int, logger: Logger, handler: @escaping RequestHandler) {
        self.listener = listener
        self.workerCount = max(1, workerCount)
        self.handler = handler
        self.logger = logger
    }

    /// The listener systemd passed (`LISTEN_FDS`/`LISTEN_PID`, sd_listen_fds(3)), if any.
    public static func systemdListener(environment: [String: String]) -> Listener? {
        guard let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
              let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1 else { return nil }
        // SD_LISTEN_FDS_START is 3: the first passed descriptor.
        return .inherited(fd: 3)
    }

    /// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts afterwards, and returns that
    /// set; `run` waits for them with `sigwait`. The responder's main calls this first, before any thread
    /// exists: libfcgi installs handlers that swallow SIGTERM, and a thread started with the signals unblocked
    /// could take one, so a stop sent during start-up would be lost. Blocked, it stays pending until `run`.
    @discardableResult
    public static func blockStopSignals() -> sigset_t {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        return signals
    }

    /// Opens the socket, starts the workers and blocks until SIGTERM or SIGINT, then stops accepting, lets
    /// in-flight requests finish (up to `drainSeconds`) and returns.
    ///
    /// An inherited listener (socket activation) is never shut down: systemd shares that one socket with every
    /// later start of the responder, and `shutdown()` acts on the socket, not on this process's descriptor, so
    /// it would refuse every connection until the socket unit is restarted. Connections that arrive while the
    /// responder is stopping stay queued in the socket for the next start.
    public func run(drainSeconds: Double = 35) throws {
        var signals = Self.blockStopSignals()
        guard FCGX_Init() == 0 else { throw FastCGIError.initFailed }
        let (fd, ownSocket) = try openListener()
        signal(SIGPIPE, SIG_IGN)
        WorkerWakeUp.install()

        for index in 0..<workerCount {
            let thread = Thread { [self] in self.workerLoop(index: index, listenFD: fd) }
            thread.name = "fcgi-worker-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        logger.info("listening", metadata: ["workers": "\(workerCount)", "listener": "\(describe(listener))"])

        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("stopping: finishing in-flight requests", metadata: ["signal": "\(received)"])
        stopWorkers(deadline: Date().addingTimeInterval(drainSeconds))
        logger.info("stopped", metadata: ["abandoned": "\(state.inFlight)"])
        if case .unixSocket(let path, _) = listener, let ownSocket {
            close(fd)
            UnixSocketPath.removeIfStill(path, inode: ownSocket)
        }
    }

    /// Makes every worker leave its loop: idle ones now, busy ones once their request is answered; returns
    /// when no request is in flight any more (or at `deadline`).
    ///
    /// libfcgi's accept loop gives up when its shutdown flag is set and `accept()` returns EINTR, so each idle
    /// worker is interrupted with `WorkerWakeUp.signal`. A worker can be between its flag check and `accept()`
    /// when the signal lands, so the signal is repeated a few rounds. A worker waiting on a connection nginx
    /// keeps open is not waited for: it holds no request, and exiting closes the connection.
    private func stopWorkers(deadline: Date) {
        state.isStopping = true
        FCGX_ShutdownPending()
        var rounds = 0
        while Date() < deadline {
            if state.runningWorkers == 0 { return }
            if rounds >= 3 && state.inFlight == 0 { return }
            for thread in state.idleWorkers() { pthread_kill(thread, WorkerWakeUp.signal) }
            rounds += 1
            usleep(20_000)
        }
    }

    /// The listening descriptor, and for a socket this process binds, the inode of its path (to remove it at
    /// stop only while it is still ours).
    private func openListener() throws -> (Int32, ino_t?) {
        switch listener {
        case .inherited(let fd):
            // Anything but a listening stream socket here (a unit without Accept=no, a wrong fd) would make
            // every accept fail; say so at start instead of running with no working worker.
            var listening: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0, listening == 1 else {
                throw FastCGIError.notListening(fd)
            }
            return (fd, nil)
        case .unixSocket(let path, let mode):
            switch UnixSocketPath.occupant(of: path) {
            case .nothing: break
            case .staleSocket: unlink(path)
            case .listeningSocket: throw FastCGIError.socketInUse(path)
            case .otherFile: throw FastCGIError.notASocket(path)
            }
            let fd = FCGX_OpenSocket(path, 1024)
            guard fd >= 0 else { throw FastCGIError.cannotListen(path) }
            chmod(path, mode)
            return (fd, UnixSocketPath.inode(of: path))
        }
    }

    private func describe(_ listener: Listener) -> String {
        switch listener {
        case .inherited(let fd): "systemd fd \(fd)"
        case .unixSocket(let path, _): path
        }
    }

    private func workerLoop(index: Int, listenFD: Int32) {
        state.workerStarted()
        defer { state.workerLeft() }
        // One heap-allocated request per worker: libfcgi keeps pointers into it between calls.
        let request = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
        defer { request.deallocate() }
        guard FCGX_InitRequest(request, listenFD, FCGI_FAIL_ACCEPT_ON_INTR) == 0 else {
            logger.error("FCGX_InitRequest failed")
            return
        }
        let me = pthread_self()
        while !state.isStopping {
            state.waiting(me)
            let accepted = FCGX_Accept_r(request)
            // Counted as in flight before it stops being idle, so the stopping thread never sees neither.
            if accepted >= 0 { state.begin() }
            state.notWaiting(me)
            if accepted < 0 {
                // EINTR from a signal that was not a stop (none is sent otherwise): accept again.
                if state.isStopping { break }
                // Not a stop: a passing shortage such as EMFILE (libfcgi retries the harmless ones itself).
                // The listener was checked at start, so wait a moment and accept again rather than lose a worker.
                if accepted != -EINTR {
                    logger.error("accept failed; retrying in 1 s", metadata: ["errno": "\(-accepted)"])
                    sleep(1)
                }
                continue
            }
            serve(request)
            FCGX_Finish_r(request)
            state.end()
        }
        // Closes a connection nginx kept open to this worker; the listener itself is never touched here.
        FCGX_Free(request, 1)
    }

    private func serve(_ raw: UnsafeMutablePointer<FCGX_Request>) {
        let params = Self.params(of: raw)
        let requestID = Self.requestID(from: params["HTTP_X_REQUEST_ID"])
        // A body that cannot be read is not answered here: the request goes on without it, marked with the
        // refusal, and the application's one error site answers it like any other error.
        var refusal: APIError?
        var body: [UInt8] = []
        switch CGIMapping.contentLength(params: params) {
        case .none:
            refusal = .badRequest("Content-Length is not a number.")
        case .some(let length) where length > Self.maximumBodyBytes:
            refusal = .payloadTooLarge
        case .some:
            if let read = Self.readBody(raw.pointee.in) { body = read } else { refusal = .payloadTooLarge }
        }
        var request = CGIMapping.request(params: params, body: body, requestID: requestID)
        request.bodyRefusal = refusal
        let response = handler(request)
        var finalResponse = response
        if finalResponse.header("X-Request-Id") == nil { finalResponse.addHeader("X-Request-Id", requestID) }
        write(CGIMapping.headerBlock(for: finalResponse), to: raw.pointee.out)
        write(finalResponse.body, to: raw.pointee.out)
    }

    /// Every param of the request. libfcgi's `envp` is a NULL-terminated array of `NAME=value` C strings,
    /// valid only until `FCGX_Finish_r`, so they are copied out here.
    private static func params(of raw: UnsafeMutablePointer<FCGX_Request>) -> [String: String] {
        var params: [String: String] = [:]
        guard var cursor = raw.pointee.envp else { return params }
        while let entry = cursor.pointee {
            // Split at the first '=' on raw bytes: Character-level String scanning costs more than the rest
            // of a small request.
            let length = strlen(entry)
            entry.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                let buffer = UnsafeBufferPointer(start: bytes, count: length)
                if let equals = buffer.firstIndex(of: UInt8(ascii: "=")) {
                    let name = String(decoding: UnsafeBufferPointer(rebasing: buffer[..<equals]), as: UTF8.self)
                    params[name] = String(decoding: UnsafeBufferPointer(rebasing: buffer[(equals + 1)...]), as: UTF8.self)
                }
            }
            cursor += 1
        }
        return params
    }

    /// Reads the body up to the cap; nil when the stream holds more than the cap, whatever CONTENT_LENGTH said.
    private static func readBody(_ stream: UnsafeMutablePointer<FCGX_Stream>?) -> [UInt8]? {
        guard let stream else { return [] }
        var body = [UInt8]()
        var chunk = [CChar](repeating: 0, count: 16 * 1024)
        while body.count <= maximumBodyBytes {
            let count = FCGX_GetStr(&chunk, Int32(chunk.count), stream)
            if count <= 0 { break }
            body.append(contentsOf: chunk[0..<Int(count)].map { UInt8(bitPattern: $0) })
        }
        return body.count > maximumBodyBytes ? nil : body
    }

    private func write(_ bytes: [UInt8], to stream: UnsafeMutablePointer<FCGX_Stream>?) {
        guard let stream, !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            _ = FCGX_PutStr(raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count), stream)
        }
    }

    /// Keeps a well-formed id from nginx (`$request_id`) so nginx and app logs join; otherwise makes one.
    static func requestID(from candidate: String?) -> String {
        if let candidate, (8...64).contains(candidate.count),
           candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            return candidate
        }
        return UUID().uuidString.lowercased()
    }
}

/// Why the server could not start.
public enum FastCGIError: Error, CustomStringConvertible {
    case initFailed
    case cannotListen(String)
    case notListening(Int32)
    case socketInUse(String)
    case notASocket(String)

    public var description: String {
        switch self {
        case .initFailed: "FCGX_Init failed"
        case .cannotListen(let path): "cannot listen on unix socket \(path) (does its directory exist and is it writable?)"
        case .socketInUse(let path):
            "another process already serves \(path) (holdfast-fcgi.socket or a running responder); not taking it over"
        case .notASocket(let path): "\(path) exists and is not a socket; not removing it"
        case .notListening(let fd):
            "descriptor \(fd) passed by systemd (LISTEN_FDS) is not a listening socket (the socket unit needs Accept=no)"
        }
    }
}

/// Counters shared by the workers and the stopping thread.
///
/// `@unchecked Sendable`: every field is read and written only under `lock`.
private final class ServerState: @unchecked Sendable {
    private let lock = NSLock()
    private var _inFlight = 0
    private var _isStopping = false
    private var _running = 0
    /// Workers blocked (or about to block) in `FCGX_Accept_r`, which a wake-up signal may interrupt.
    private var _waiting: [pthread_t] = []

    var inFlight: Int { lock.withLock { _inFlight } }
    var runningWorkers: Int { lock.withLock { _running } }
    var isStopping: Bool {
        get { lock.withLock { _isStopping } }
        set { lock.withLock { _isStopping = newValue } }
    }
    func begin() { lock.withLock { _inFlight += 1 } }
    func end() { lock.withLock { _inFlight -= 1 } }
    func workerStarted() { lock.withLock { _running += 1 } }
    func workerLeft() { lock.withLock { _running -= 1 } }
    func waiting(_ thread: pthread_t) { lock.withLock { _waiting.append(thread) } }
    func notWaiting(_ thread: pthread_t) {
        lock.withLock { if let index = _waiting.firstIndex(of: thread) { _waiting.remove(at: index) } }
    }
    func idleWorkers() -> [pthread_t] { lock.withLock { _waiting } }
}

/// The signal that interrupts a worker's `accept()` when the responder stops.
///
/// SIGUSR1 is libfcgi's own "shut down" signal; the handler is installed here explicitly, doing nothing and
/// without `SA_RESTART`, so the interrupted `accept()` returns EINTR whatever libfcgi's version installed.
enum WorkerWakeUp {
    static let signal = SIGUSR1

    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(signal, &action, nil)
    }
}
