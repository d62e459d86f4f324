/// Hands out strictly increasing nonces per API key, durable across processes.
///
/// Kraken accepts a request only if its nonce is greater than every nonce it has seen for the key; a store that
/// forgets or races would make the next call fail with `nonce_conflict`.
///
/// `async` because the exchange clients call it from the cooperative pool and a durable store blocks (a
/// database transaction, `flock` and `fsync`): an implementation that blocks runs that work on a thread of
/// its own (`BlockingWork`, or its own queue) and suspends the caller. One that never blocks may implement
/// it as a plain synchronous function.
public protocol NonceStore: Sendable {
    /// A nonce for `apiKey` greater than any previously returned for it, and at least `atLeast`.
    func nextNonce(forKey apiKey: String, atLeast: UInt64) async throws -> UInt64
}

/// The nonce store could not read or write its state.
public struct NonceStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed, e.g. "open", "flock".
    public let operation: String
    /// The C errno.
    public let errno: Int32
    /// No key material in here: the file name is a hash of the key.
    public var description: String { "nonce store \(operation) failed (errno \(errno))" }
}
