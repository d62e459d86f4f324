import Foundation
import Primitives
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `NonceStore` keeping one small file per key in a directory, guarded by `flock`.
///
/// The exclusive lock covers read-increment-write, so any number of processes (and store instances in one
/// process: each call opens its own file description) can share the directory safely. File names are a hash
/// of the API key, so the directory listing does not reveal keys.
public struct FileNonceStore: NonceStore {
    /// The directory holding the nonce files (created on first use, mode 0700).
    public let directory: URL

    /// A store over `directory`.
    public init(directory: URL) { self.directory = directory }

    /// `nextNonceBlocking` on a thread of its own; the calling task suspends until it returns. The clients
    /// call this from the cooperative pool, where `flock` (waiting for another process) and `fsync` must not
    /// run. Not a GCD queue: on Linux its threads are the cooperative pool's. A thread per call is cheap next
    /// to the HTTPS request each nonce signs, and only the CLI and tests use this store.
    public func nextNonce(forKey apiKey: String, atLeast: UInt64) async throws -> UInt64 {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try nextNonceBlocking(forKey: apiKey, atLeast: atLeast) })
            }.start()
        }
    }

    /// Locks the key's file, reads the last nonce, writes and returns `max(last + 1, atLeast)`. Blocks on
    /// `flock` and `fsync`: for threads of one's own, never the cooperative pool.
    public func nextNonceBlocking(forKey apiKey: String, atLeast: UInt64) throws -> UInt64 {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let name = Hex.encode(Digest.sha256("kraken-nonce:" + apiKey).prefix(16)) + ".nonce"
        let path = directory.appendingPathComponent(name).path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw NonceStoreError(operation: "open", errno: errno) }
        defer { close(fd) }
        // flock is released by close; the defer above runs after the write below.
        guard flock(fd, LOCK_EX) == 0 else { throw NonceStoreError(operation: "flock", errno: errno) }

        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count >= 0 else { throw NonceStoreError(operation: "read", errno: errno) }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let last = UInt64(text) ?? 0
        let next = max(last &+ 1, atLeast)

        let output = Array("\(next)\n".utf8)
        guard ftruncate(fd, 0) == 0 else { throw NonceStoreError(operation: "truncate", errno: errno) }
        let written = pwrite(fd, output, output.count, 0)
        guard written == output.count else { throw NonceStoreError(operation: "write", errno: errno) }
        // A nonce handed out but lost in a crash would only be reused if the clock went backwards too.
        _ = fsync(fd)
        return next
    }
}
