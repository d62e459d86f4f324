import Foundation
import Store

/// One alert channel as stored: where alerts of a user go. The secret stays sealed here; only the sender opens it.
struct AlertChannel: Sendable, Equatable {
    /// The channel kinds.
    enum Kind: String, Sendable, Codable, CaseIterable {
        /// A JSON POST signed with the channel's HMAC secret.
        case webhook
        /// A message POSTed to an ntfy topic URL, with an optional access token.
        case ntfy
    }

    let id: String
    let userID: String
    let kind: Kind
    let url: String
    /// The webhook secret or ntfy token, sealed (`CredentialField.alertSecret`, bound to `id`); nil: none.
    let sealedSecret: String?
    let enabled: Bool
    let createdAt: String

    /// The channel of a row of `alert_channels`; nil when a column is missing or unknown.
    init?(row: Row) {
        guard let id = row.string("id"), let userID = row.string("user_id"),
              let kind = row.string("kind").flatMap(Kind.init(rawValue:)), let url = row.string("url"),
              let createdAt = row.string("created_at") else { return nil }
        self.init(id: id, userID: userID, kind: kind, url: url, sealedSecret: row.string("secret_encrypted"),
                  enabled: row.bool("enabled"), createdAt: createdAt)
    }

    /// A channel with every field given.
    init(id: String, userID: String, kind: Kind, url: String, sealedSecret: String?, enabled: Bool, createdAt: String) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.url = url
        self.sealedSecret = sealedSecret
        self.enabled = enabled
        self.createdAt = createdAt
    }
}
