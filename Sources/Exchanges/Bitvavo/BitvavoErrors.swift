import Foundation

// SCAFFOLD: the Bitvavo error taxonomy (issue 17).
enum BitvavoErrors {
    /// The error `result` stands for, or nil for a success.
    static func classify(_ result: HTTPResult) -> ExchangeError? {
        RegionBlock.error(result, exchange: .bitvavo)
    }
}
