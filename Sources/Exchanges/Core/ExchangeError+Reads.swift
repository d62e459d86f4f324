/// The `bad_response` errors of reads Holdfast refuses to trust, with messages that say what was refused.
extension ExchangeError {
    /// A balance listing that cannot be shown to be whole (issue 11): the sync fails and the holdings of the
    /// last good sync stay as they are, because a partial list would delete the assets it left out.
    /// `detail` names the defect ("account cursor repeated").
    static func incompleteListing(_ exchange: ExchangeID, detail: String) -> ExchangeError {
        ExchangeError(.badResponse, message:
            "\(exchange.info.displayName) sent an account list Holdfast cannot show to be complete, so it was not " +
            "used and the holdings were left as they were. Holdfast will try again later.",
            exchange: exchange, detail: detail)
    }

    /// A 3xx answer with `status`, which is never followed: following it would send the key, passphrase and a
    /// live signature to the host the redirect names.
    static func redirectRefused(_ exchange: ExchangeID, status: Int) -> ExchangeError {
        ExchangeError(.badResponse, message:
            "\(exchange.info.displayName) answered with a redirect to another address. Holdfast never follows " +
            "redirects, so nothing was sent there. If this persists, check the exchange's base URL setting.",
            exchange: exchange, detail: "HTTP \(status) redirect, not followed")
    }
}
