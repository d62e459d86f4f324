import COpenSSL

/// Secret key bytes kept in one private allocation that is wiped when the last reference goes away.
///
/// A `[UInt8]` cannot be wiped reliably: copy-on-write may already have left copies behind. This class owns
/// its own buffer, hands it out only inside `withUnsafeBytes`, and cleanses it in `deinit`.
public final class SymmetricKey: @unchecked Sendable {
    // @unchecked Sendable is safe: `storage` is written once in `init`, only read afterwards, and freed in
    // `deinit`, which runs when no other reference (on any thread) exists.
    private let storage: UnsafeMutableRawBufferPointer
    private let count: Int

    /// The key length in bytes.
    public var byteCount: Int { count }

    /// Copies `bytes` into wiped-on-release storage. The caller still owns (and should wipe) its source.
    public init<B: Collection>(_ bytes: B) where B.Element == UInt8 {
        // Allocate at least one byte so the buffer always has a base address to cleanse and free.
        storage = .allocate(byteCount: max(bytes.count, 1), alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        let prefix = UnsafeMutableRawBufferPointer(rebasing: storage[0..<bytes.count])
        _ = prefix.initializeMemory(as: UInt8.self, from: bytes)
        count = bytes.count
    }

    /// Takes over `bytes` and wipes the array, so the key exists only inside this object.
    public convenience init(consuming bytes: inout [UInt8]) {
        self.init(bytes)
        ConstantTime.wipe(&bytes)
    }

    /// `byteCount` fresh random bytes from the CSPRNG (32 for AES-256).
    public static func random(byteCount: Int = 32) -> SymmetricKey {
        var bytes = SecureRandom.bytes(byteCount)
        return SymmetricKey(consuming: &bytes)
    }

    /// Calls `body` with the key bytes. The pointer must not escape `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    deinit {
        if let base = storage.baseAddress { OPENSSL_cleanse(base, storage.count) }
        storage.deallocate()
    }
}
