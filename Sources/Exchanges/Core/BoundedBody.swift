import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One answer being received: its response, its body up to `limit` bytes, and the caller waiting for both.
///
/// Filled by `TransportDelegate` on URLSession's delegate queue, read once by `HTTPTransport`.
/// `@unchecked Sendable`: every field is only touched under `lock`; the continuation is resumed outside it.
public final class BoundedBody: @unchecked Sendable {
    /// How the collection ended.
    public enum Outcome {
        case complete(URLResponse, Data)
        /// More than `limit` bytes were announced or arrived; the task was cancelled.
        case tooLarge
        case failed(any Error)
    }

    /// The most body bytes accepted.
    public let limit: Int
    private let lock = NSLock()
    private var response: URLResponse?
    private var data = Data()
    private var overflowed = false
    private var continuation: CheckedContinuation<Outcome, Never>?
    private var outcome: Outcome?

    /// An empty collector accepting up to `limit` bytes.
    public init(limit: Int) { self.limit = limit }

    /// Records the response; false (refuse it) when its `Content-Length` is over the limit.
    public func begin(_ response: URLResponse) -> Bool {
        lock.withLock {
            self.response = response
            // -1 when the length is not announced (chunked or close-delimited): then only `append` can tell.
            if response.expectedContentLength > Int64(limit) { overflowed = true }
            return !overflowed
        }
    }

    /// Appends a piece; false once the body has passed the limit (the piece is dropped, not kept).
    public func append(_ piece: Data) -> Bool {
        lock.withLock {
            guard !overflowed else { return false }
            guard data.count + piece.count <= limit else {
                overflowed = true
                data = Data()
                return false
            }
            data.append(piece)
            return true
        }
    }

    /// Ends the collection with the task's error (nil on success).
    public func finish(_ error: (any Error)?) {
        let (waiting, result) = lock.withLock { () -> (CheckedContinuation<Outcome, Never>?, Outcome) in
            let result: Outcome
            if overflowed {
                result = .tooLarge
            } else if let error {
                result = .failed(error)
            } else if let response {
                result = .complete(response, data)
            } else {
                result = .failed(URLError(.badServerResponse))
            }
            outcome = result
            defer { continuation = nil }
            return (continuation, result)
        }
        waiting?.resume(returning: result)
    }

    /// Waits for `finish`; returns at once if it already came.
    public func wait() async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let ready = lock.withLock { () -> Outcome? in
                if let outcome { return outcome }
                self.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
