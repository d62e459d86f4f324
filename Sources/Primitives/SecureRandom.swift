import COpenSSL

/// Bytes from OpenSSL's CSPRNG, which is seeded from the operating system.
public enum SecureRandom {
    /// `count` random bytes. Traps if the CSPRNG cannot deliver: continuing with weak randomness would be worse.
    public static func bytes(_ count: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return output }
        let status = RAND_bytes(&output, Int32(count))
        precondition(status == 1, "the OS random number generator failed")
        return output
    }

    /// A random string of `length` lowercase hex characters.
    public static func hex(length: Int) -> String {
        Hex.encode(bytes((length + 1) / 2)).prefix(length).description
    }
}
