import Foundation

extension KeyRing {
    /// Environment variable holding the active key.
    public static let activeKeyVariable = "ENCRYPTION_KEY"
    /// Environment variable holding older, read-only keys, separated by commas.
    public static let previousKeysVariable = "ENCRYPTION_KEYS_PREVIOUS"
    /// systemd sets this to the directory of credentials passed with `LoadCredential=`.
    public static let credentialsDirectoryVariable = "CREDENTIALS_DIRECTORY"
    /// Credential file (in `CREDENTIALS_DIRECTORY`) holding the active key.
    public static let activeKeyFile = "encryption-key"
    /// Credential file (in `CREDENTIALS_DIRECTORY`) holding older keys, one per line.
    public static let previousKeysFile = "encryption-keys-previous"

    /// Loads the ring from configuration.
    ///
    /// The active key comes from `ENCRYPTION_KEY` or from the file `$CREDENTIALS_DIRECTORY/encryption-key`
    /// (systemd `LoadCredential=encryption-key:/etc/holdfast/encryption-key`). If both are present they must
    /// agree, since silently preferring one would make a half-finished migration decrypt with the wrong key.
    /// Previous keys are the union of `ENCRYPTION_KEYS_PREVIOUS` (comma-separated) and the file
    /// `$CREDENTIALS_DIRECTORY/encryption-keys-previous` (one per line). Surrounding whitespace and blank
    /// entries are ignored. There is deliberately no fallback to any other secret such as `JWT_SECRET`:
    /// sharing one secret between token signing and data encryption would let one leak expose both.
    public static func load(environment: [String: String]) throws -> KeyRing {
        let directory = environment[credentialsDirectoryVariable].flatMap { $0.isEmpty ? nil : $0 }
        let fromEnvironment = environment[activeKeyVariable].map(trimmed).flatMap { $0.isEmpty ? nil : $0 }
        let fromFile = try directory.flatMap { try readCredential(activeKeyFile, in: $0) }.map(trimmed)
            .flatMap { $0.isEmpty ? nil : $0 }

        let active: String
        switch (fromEnvironment, fromFile) {
        case let (environmentKey?, fileKey?):
            guard environmentKey == fileKey else {
                throw KeyConfigurationError(
                    setting: activeKeyVariable,
                    message: "set both in the environment and in $\(credentialsDirectoryVariable)/\(activeKeyFile) "
                        + "with different values; keep only one")
            }
            active = environmentKey
        case let (key?, nil), let (nil, key?):
            active = key
        case (nil, nil):
            throw KeyConfigurationError(
                setting: activeKeyVariable,
                message: "missing: set \(activeKeyVariable) or provide the credential file "
                    + "$\(credentialsDirectoryVariable)/\(activeKeyFile) (systemd LoadCredential=)")
        }

        var previous = (environment[previousKeysVariable] ?? "").split(separator: ",").map { trimmed(String($0)) }
        if let directory, let file = try readCredential(previousKeysFile, in: directory) {
            previous += file.split(whereSeparator: \.isNewline).map { trimmed(String($0)) }
        }
        return try KeyRing(activeKey: active, previousKeys: previous.filter { !$0.isEmpty })
    }

    /// The contents of credential file `name`, nil when it does not exist; unreadable files are an error
    /// rather than silently falling back to another source.
    private static func readCredential(_ name: String, in directory: String) throws -> String? {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let setting = name == activeKeyFile ? activeKeyVariable : previousKeysVariable
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw KeyConfigurationError(setting: setting, message: "cannot read credential file \(url.path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KeyConfigurationError(setting: setting, message: "credential file \(url.path) is not UTF-8 text")
        }
        return text
    }

    private static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
