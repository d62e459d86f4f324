import Exchanges
import Foundation

// SCAFFOLD: replaced by the Bitvavo simulator (issue 17).
struct BitvavoSimulator: ExchangeSimulator {
    var exchange: ExchangeID { .bitvavo }
    func handle(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome { notFound(request) }
    func rateLimited(retryAfter: Int) -> ServerResponse { .json(429, object: [:]) }
    func ipRestricted(_ request: ServerRequest) -> ServerResponse { .json(403, object: [:]) }
    func permissionDenied() -> ServerResponse { .json(403, object: [:]) }
    func serverError(_ status: Int) -> ServerResponse { .json(status, object: [:]) }
}
