import Foundation
import Store
import Vault

/// The sealed credentials of every connection, for the key-ring check and key rotation. Only sealed text
/// passes through here; opening it is the vault's job.
extension ConnectionStore {
    /// One connection's sealed credential fields, by vault field (a connection without a passphrase has two).
    struct SealedCredentials: Sendable {
        let id: String
        let fields: [(field: CredentialField, sealed: String)]
    }

    /// The column each vault field is stored in. Column names come from this fixed table, never from input.
    /// nil for a field that is not a connection's (an alert channel's secret).
    private static func column(_ field: CredentialField) -> String? {
        switch field {
        case .apiKey: "api_key_encrypted"
        case .apiSecret: "api_secret_encrypted"
        case .passphrase: "passphrase_encrypted"
        case .alertSecret: nil
        }
    }

    /// Every connection's sealed credentials, in no particular order.
    static func sealedCredentials(in db: Connection) throws -> [SealedCredentials] {
        try db.query("SELECT id, api_key_encrypted, api_secret_encrypted, passphrase_encrypted FROM exchange_connections")
            .compactMap { row in
                guard let id = row.string("id") else { return nil }
                let fields = CredentialField.allCases.compactMap { field in column(field).flatMap { row.string($0) }.map { (field, $0) } }
                return SealedCredentials(id: id, fields: fields)
            }
    }

    /// Replaces the sealed `field` of connection `id` (a rotation's re-encryption under the active key).
    static func replaceSealed(_ field: CredentialField, of id: String, with sealed: String, in db: Connection) throws {
        guard let column = column(field) else { return }
        try db.run("UPDATE exchange_connections SET \(column) = ? WHERE id = ?", [.text(sealed), .text(id)])
    }
}
