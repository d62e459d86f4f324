import Exchanges
import Web

extension ExchangeError {
    /// The HTTP status for a request that failed because of the exchange: the person must fix something
    /// (422), or the exchange is having trouble and a later try may work (503, with Retry-After when known).
    var httpStatus: Int { SyncBackoff.transientCodes.contains(code.rawValue) ? 503 : 422 }

    /// The error as an API error, with the taxonomy code as the stable code.
    var apiError: APIError {
        var error = APIError(status: httpStatus, code: code.rawValue, message: message)
        if let retryAfter { error.headers["Retry-After"] = String(retryAfter) }
        return error
    }
}
