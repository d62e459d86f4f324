import Foundation

/// One host an exchange serves a group of accounts from (OKX: global, EEA, US; Bybit: its regional
/// entities). Keys are bound to the entity that issued them.
public struct ExchangeRegion: Sendable, Equatable {
    /// Stable id stored with a connection and accepted by the API (`"eea"`).
    public let id: String
    /// Name shown to users, with the host.
    public let displayName: String
    /// The production API root for this region.
    public let productionURL: URL

    /// A region; `productionURL` must be a valid absolute URL (these are constants).
    init(id: String, displayName: String, productionURL: String) {
        self.id = id
        self.displayName = displayName
        self.productionURL = URL(string: productionURL)!
    }
}
