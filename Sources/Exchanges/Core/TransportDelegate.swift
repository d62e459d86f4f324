import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The session delegate of `HTTPTransport`: it refuses every HTTP redirect, and it collects each answer's
/// body as it arrives, up to a cap, into the `BoundedBody` registered for the task.
///
/// Public so App's `OutboundHTTP` (webhooks, ntfy, Ghostfolio) refuses redirects and caps bodies the same way.
///
/// Redirects: a redirect would resend the API key, the Coinbase Exchange passphrase and a live signature to
/// whatever host the `Location` header names (another exchange, an attacker behind a compromised CDN rule, or a
/// loopback-only endpoint of this server). No exchange documents a redirect on the calls Holdfast makes, so a
/// 3xx is answered as it is: `HTTPTransport` turns it into `bad_response` and nothing is sent to the target.
///
/// Bodies: swift-corelibs-foundation (Swift 6.3.1, Linux) has no `URLSession.bytes(for:)`, and `data(for:)`
/// buffers the whole answer before returning, however large. Collecting the data callbacks of a plain data
/// task lets the transport stop reading, and cancel the task, as soon as the cap is passed (or at once when
/// `Content-Length` announces more).
///
/// It must be installed as the session's delegate: swift-corelibs-foundation ignores a per-task delegate passed
/// to `data(for:delegate:)` (it follows 301/302/303/307/308, measured by RedirectTests).
///
/// `@unchecked Sendable`: `bodies` is only touched under `lock`.
public final class TransportDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [Int: BoundedBody] = [:]

    /// A delegate with no task registered.
    public override init() { super.init() }

    /// Routes the callbacks of `task` to `body`; call before resuming the task.
    public func register(_ body: BoundedBody, for task: URLSessionTask) {
        lock.withLock { bodies[task.taskIdentifier] = body }
    }

    private func body(of task: URLSessionTask) -> BoundedBody? {
        lock.withLock { bodies[task.taskIdentifier] }
    }

    /// Answers nil: the task completes with the 3xx response itself.
    public func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    /// Keeps the response; cancels at once when its `Content-Length` is already over the cap.
    public func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let accepted = body(of: dataTask)?.begin(response) ?? true
        completionHandler(accepted ? .allow : .cancel)
    }

    /// Appends a piece of the body; cancels the task once the cap is passed.
    public func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        if body(of: dataTask)?.append(data) == false { dataTask.cancel() }
    }

    /// Hands the outcome to the waiting caller and forgets the task.
    public func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let body = lock.withLock { bodies.removeValue(forKey: task.taskIdentifier) }
        body?.finish(error)
    }
}
