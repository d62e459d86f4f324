import Exchanges
import Web

extension ExchangeError.Code {
    /// The catalogue code of each taxonomy code, written out case by case: the compiler refuses a new
    /// `ExchangeError.Code` until it is given one here, and the HTTP status comes with it from the catalogue
    /// (422 when the person must act, 503 when a later try may work). Deliberately not derived from the retry
    /// policy (`SyncBackoff`): what a client is told and when the timer retries are separate decisions.
    var errorCode: ErrorCode {
        switch self {
        case .invalidCredentials: .invalidCredentials
        case .invalidPassphrase: .invalidPassphrase
        case .invalidSignature: .invalidSignature
        case .permissionDenied: .permissionDenied
        case .ipNotAllowed: .ipNotAllowed
        case .regionRestricted: .regionRestricted
        case .invalidKeyFormat: .invalidKeyFormat
        case .invalidRequest: .invalidRequest
        case .clockSkew: .clockSkew
        case .nonceConflict: .nonceConflict
        case .rateLimited: .rateLimited
        case .exchangeUnavailable: .exchangeUnavailable
        case .timeout: .timeout
        case .badResponse: .badResponse
        }
    }
}

extension ExchangeError {
    /// This failure as an HTTP error: its catalogue code and status, its message, and `Retry-After` when the
    /// exchange (or Holdfast's own request budget) said when to come back. Handlers simply throw the
    /// `ExchangeError`; `Application.serve` calls this.
    var httpError: APIError {
        APIError(code.errorCode, message, headers: retryAfter.map { ["Retry-After": String($0)] } ?? [:])
    }
}
