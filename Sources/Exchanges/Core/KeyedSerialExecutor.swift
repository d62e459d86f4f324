/// Runs operations one at a time per key, in call order; different keys run concurrently.
///
/// Kraken fails requests whose nonces overtake each other on the wire, so every private Kraken call for a key
/// goes through here.
actor KeyedSerialExecutor {
    /// The process-wide executor for exchange keys.
    static let shared = KeyedSerialExecutor()

    private var tails: [String: Task<Void, Never>] = [:]

    /// Runs `operation` after every earlier operation for `key` has finished.
    func run<T: Sendable>(key: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let previous = tails[key]
        let task = Task { () async throws -> T in
            await previous?.value
            return try await operation()
        }
        // The tail is updated before any suspension, so the next caller queues behind this task.
        tails[key] = Task { _ = try? await task.value }
        return try await task.value
    }
}
