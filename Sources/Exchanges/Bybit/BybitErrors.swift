import Foundation

// SCAFFOLD: the Bybit error taxonomy (issue 17).
enum BybitErrors {
    /// The error `result` stands for, or nil for a success.
    static func classify(_ result: HTTPResult) -> ExchangeError? {
        RegionBlock.error(result, exchange: .bybit)
    }
}
