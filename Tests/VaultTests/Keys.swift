@testable import Vault

/// Test keys and rings, built once: each ring costs a PBKDF2 per key.
enum Keys {
    static let a = "test-key-A-0123456789abcdefghijklmnopqrstuv"
    static let b = "test-key-B-0123456789abcdefghijklmnopqrstuv"
    static let c = "test-key-C-0123456789abcdefghijklmnopqrstuv"

    static let ringA = try! KeyRing(activeKey: a)
    static let ringB = try! KeyRing(activeKey: b)
    static let ringBWithPreviousA = try! KeyRing(activeKey: b, previousKeys: [a])
}
