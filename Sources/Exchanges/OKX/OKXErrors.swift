import Foundation

// SCAFFOLD: the OKX error taxonomy (issue 17).
enum OKXErrors {
    /// The error `result` stands for, or nil for a success.
    static func classify(_ result: HTTPResult) -> ExchangeError? {
        RegionBlock.error(result, exchange: .okx)
    }
}
