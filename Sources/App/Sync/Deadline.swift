import Foundation

/// Runs `operation` and returns its result, or throws `expired()` once `limit` has passed, whichever comes
/// first.
///
/// Unlike a task group, this returns at the deadline even when the operation ignores cancellation: the
/// operation is cancelled and left to finish on its own (an exchange call still ends at its own 30 s
/// timeout). That is what an HTTP answer needs: the responder must answer before nginx gives up on it
/// (`fastcgi_read_timeout`), however many slow exchange calls a conversation strings together.
public func withDeadline<T: Sendable>(
    _ limit: Duration, expired: @escaping @Sendable () -> any Error, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = Race<T>()
    return try await withCheckedThrowingContinuation { continuation in
        race.start(continuation)
        let work = Task {
            do {
                race.finish(.success(try await operation()))
            } catch {
                race.finish(.failure(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            guard !Task.isCancelled else { return }
            if race.finish(.failure(expired())) { work.cancel() }
        }
        race.onFinish { timer.cancel() }
    }
}

/// The one-shot meeting point of the operation and the timer: whichever finishes first resumes the
/// continuation; the other's result is dropped.
///
/// `@unchecked Sendable`: every field is read and written only under `lock`.
private final class Race<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var finished = false
    private var cleanup: (@Sendable () -> Void)?

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    /// Runs `action` once the race is decided (at once if it already is).
    func onFinish(_ action: @escaping @Sendable () -> Void) {
        let runNow = lock.withLock { () -> Bool in
            if finished { return true }
            cleanup = action
            return false
        }
        if runNow { action() }
    }

    /// Delivers `result` if nothing was delivered yet; returns whether this call won.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (won, continuation, cleanup) = lock.withLock { () -> (Bool, CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !finished else { return (false, nil, nil) }
            finished = true
            let taken = (self.continuation, self.cleanup)
            self.continuation = nil
            self.cleanup = nil
            return (true, taken.0, taken.1)
        }
        guard won else { return false }
        continuation?.resume(with: result)
        cleanup?()
        return true
    }
}
