import Exchanges
import Foundation

// SCAFFOLD: replaced by the Bybit simulator (issue 17).
struct BybitSimulator: ExchangeSimulator {
    var exchange: ExchangeID { .bybit }
    func handle(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome { notFound(request) }
    func rateLimited(retryAfter: Int) -> ServerResponse { .json(429, object: [:]) }
    func ipRestricted(_ request: ServerRequest) -> ServerResponse { .json(403, object: [:]) }
    func permissionDenied() -> ServerResponse { .json(403, object: [:]) }
    func serverError(_ status: Int) -> ServerResponse { .json(status, object: [:]) }
}
