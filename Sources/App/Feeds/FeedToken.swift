import Vault

/// The Ghostfolio security token at rest: sealed with the Vault's cipher like an exchange key, bound to its
/// user ("ghostfolio-feed:<user id>", in the place of a connection id) and the `api_secret` field, so a sealed
/// token copied to another user's feed or into an exchange connection no longer opens.
enum FeedToken {
    /// The id the token of `userID` is bound to.
    static func binding(ofUser userID: String) -> String { "ghostfolio-feed:" + userID }

    /// `token` sealed for `userID`.
    static func seal(_ token: String, userID: String, cipher: CredentialCipher) throws -> String {
        try cipher.seal(token, connectionId: binding(ofUser: userID), field: .apiSecret)
    }

    /// The token of `userID` from its sealed text.
    static func open(_ sealed: String, userID: String, cipher: CredentialCipher) throws -> String {
        try cipher.open(sealed, connectionId: binding(ofUser: userID), field: .apiSecret)
    }
}
