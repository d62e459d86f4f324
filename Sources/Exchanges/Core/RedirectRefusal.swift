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
/// It must be installed as the session's delegate: swift-corelibs-foundation (Swift 6.3.1 on Linux, measured by
/// RedirectTests) ignores a per-task delegate passed to `data(for:delegate:)` and follows 301/302/303/307/308,
/// while it does ask the session's delegate for the async API's tasks.
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
