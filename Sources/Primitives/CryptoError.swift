import COpenSSL

/// A failure inside libcrypto, carrying OpenSSL's own reason text (never key material or plaintext).
public struct CryptoError: Error, CustomStringConvertible, Equatable {
    public let operation: String
    public let reason: String

    public var description: String { "\(operation) failed: \(reason)" }

    /// Builds an error from the calling thread's OpenSSL error queue, and clears the queue.
    static func fromOpenSSL(_ operation: String) -> CryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return CryptoError(operation: operation, reason: "unknown OpenSSL error") }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return CryptoError(operation: operation, reason: String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}

/// Turns an OpenSSL status (1 = success) into a thrown `CryptoError`.
@inline(__always)
func check(_ result: Int32, _ operation: String) throws {
    if result != 1 { throw CryptoError.fromOpenSSL(operation) }
}
