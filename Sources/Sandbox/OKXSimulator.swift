import Exchanges
import Foundation

// SCAFFOLD: replaced by the OKX simulator (issue 17).
struct OKXSimulator: ExchangeSimulator {
    var exchange: ExchangeID { .okx }
    func handle(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome { notFound(request) }
    func rateLimited(retryAfter: Int) -> ServerResponse { .json(429, object: [:]) }
    func ipRestricted(_ request: ServerRequest) -> ServerResponse { .json(403, object: [:]) }
    func permissionDenied() -> ServerResponse { .json(403, object: [:]) }
    func serverError(_ status: Int) -> ServerResponse { .json(status, object: [:]) }
}
