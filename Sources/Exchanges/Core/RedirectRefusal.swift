import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The session delegate of `HTTPTransport`: it refuses every HTTP redirect.
///
/// A redirect would resend the API key, the Coinbase Exchange passphrase and a live signature to whatever host
/// the `Location` header names (another exchange, an attacker behind a compromised CDN rule, or a loopback-only
/// endpoint of this server). No exchange documents a redirect on the calls Holdfast makes, so a 3xx is answered
/// as it is: `HTTPTransport` turns it into `bad_response` and nothing is sent to the target.
///
/// Foundation asks the delegate only for tasks that run through it: a session-level delegate is ignored for
/// completion-handler tasks in swift-corelibs-foundation, so `HTTPTransport` passes this delegate to every task.
final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    /// One shared instance: it holds no state.
    static let shared = RedirectRefusal()

    /// Answers nil: the task completes with the 3xx response itself.
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
