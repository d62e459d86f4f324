/// A missing or unusable encryption key setting. The message names the setting (never its value), so the
/// operator knows what to fix.
public struct KeyConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The configuration name at fault, e.g. `ENCRYPTION_KEY`.
    public let setting: String
    /// What is wrong with it and how to fix it.
    public let message: String

    /// An error about `setting`.
    public init(setting: String, message: String) {
        self.setting = setting
        self.message = message
    }

    /// A message safe to log: no key material, no plaintext.
    public var description: String { "\(setting): \(message)" }
}
