import Foundation

/// A shared allowance of exchange requests, consulted before every request a client sends and told afterwards
/// what the exchange said about its own count (exchanges.md §1.5, §7.7, §3.5, §4.4, §2a, §2b, §10.4).
///
/// Like `NonceStore`, an implementation decides how far the allowance is shared: `InProcessRequestBudget` within
/// one process (the CLI, unit tests), App's `RequestBudgetStore` across every process on the host (responder
/// workers and the timer send from the same IP, and Binance counts weight per IP).
///
/// Both calls are short and never wait on the network, but a shared store waits on a database lock (up to the
/// busy timeout) and `fsync`s: they are `async` so such an implementation runs that on a blocking-work thread
/// while the client's task is suspended, instead of holding a thread of the cooperative pool. An in-memory
/// implementation may satisfy them with plain synchronous functions.
public protocol RequestBudget: Sendable {
    /// Takes `weight` units from `scope` at `now` and answers `.go`, or takes nothing and answers the earliest
    /// time the request could be afforded. Throws only when the budget's own storage fails.
    func reserve(_ weight: Int, in scope: BudgetScope, at now: Date) async throws -> Reservation
    /// Folds what an answer said about the exchange's count (`BudgetFeedback`) into `scope`.
    func record(_ feedback: BudgetFeedback, in scope: BudgetScope, at now: Date) async throws
}

/// The answer to a reservation.
public enum Reservation: Sendable, Equatable {
    /// The weight was taken: send the request now.
    case go
    /// Nothing was taken: the scope cannot afford the request before this time.
    case notBefore(Date)
}

/// What one exchange answer says about the exchange's own count, read by `BudgetFeedback.read`.
public struct BudgetFeedback: Sendable, Equatable {
    /// Weight the exchange says is used in the current window (Binance `X-MBX-USED-WEIGHT-1M`,
    /// `X-SAPI-USED-IP-WEIGHT-1M`; exchanges.md §7.7), in the scope's units.
    public var usedWeight: Int?
    /// The exchange refused for rate: send nothing in the scope for this many seconds (429/418 `Retry-After`,
    /// or the scope's default pause when the answer names none).
    public var blockedForSeconds: Int?
    /// The exchange says its counter is full without saying for how long (Kraken `EAPI:Rate limit exceeded`,
    /// exchanges.md §3.4): the local count is raised to the usable allowance, so the next call waits for one
    /// call's worth of decay.
    public var counterFull: Bool

    /// Feedback with the given parts; the empty value says nothing.
    public init(usedWeight: Int? = nil, blockedForSeconds: Int? = nil, counterFull: Bool = false) {
        self.usedWeight = usedWeight
        self.blockedForSeconds = blockedForSeconds
        self.counterFull = counterFull
    }

    /// True when the answer said nothing about the count.
    public var isEmpty: Bool { usedWeight == nil && blockedForSeconds == nil && !counterFull }
}

/// The budget could not read or write its state (a database error): no request is sent.
public struct RequestBudgetError: Error, Sendable, CustomStringConvertible {
    /// What failed, safe to log.
    public let reason: String
    /// A budget failure with `reason`.
    public init(_ reason: String) { self.reason = reason }
    /// "request budget: <reason>".
    public var description: String { "request budget: \(reason)" }
}
