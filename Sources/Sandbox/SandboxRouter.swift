import Exchanges
import Foundation

/// Puts one port together: admin endpoints, fault knobs, then the exchange simulator.
struct SandboxRouter: Sendable {
    let simulator: any ExchangeSimulator
    let state: SandboxState
    /// True once the server is stopping, so hung handlers give up early.
    let isStopped: @Sendable () -> Bool

    var exchange: ExchangeID { simulator.exchange }

    func respond(_ request: ServerRequest) -> ServerResponse {
        if request.path.hasPrefix("/__sandbox/") { return admin(request) }
        state.begin(exchange, path: request.path)
        defer { state.end(exchange) }
        let exchangeFaults = state.exchangeFaults(exchange)
        if let early = transportFaults(exchangeFaults, request: request) { return early }
        if exchangeFaults.marketDown == true, simulator.isMarketData(request.path) { return simulator.serverError(503) }
        let charge = simulator.rateCharge(request, state: state)
        if var refusal = charge.refusal {
            refusal.headers += charge.headers
            return refusal
        }
        var response = answer(request, exchangeFaults: exchangeFaults)
        response.headers += charge.headers
        return response
    }

    /// The simulator's answer with the account's faults applied.
    private func answer(_ request: ServerRequest, exchangeFaults: Faults) -> ServerResponse {
        switch simulator.handle(request, state: state) {
        case .response(let response):
            return response
        case .authenticated(let account, let success):
            state.countAuthenticated(exchange, apiKey: account.apiKey)
            let faults = exchangeFaults.overridden(by: account.faults)
            if faults.ipRestricted == true { return simulator.ipRestricted(request) }
            if faults.noReadPermission == true { return simulator.permissionDenied() }
            if let early = transportFaults(account.faults ?? Faults(), request: request) { return early }
            var response = success()
            // fidelity-reads knobs: a listing damaged so that it cannot be proven complete.
            if let fault = faults.listingFault, ReadFaults.isListing(request.path, exchange: exchange) {
                response = ReadFaults.damage(response, fault, exchange: exchange)
            }
            if faults.truncatedJSON == true {
                response.body = response.body.prefix(max(1, response.body.count / 2))
            } else if faults.malformedJSON == true {
                response.body = Data("{\"balances\": [ {\"asset\": \"BTC\", \"free\": 0.5,, } ".utf8)
            }
            if let size = faults.paddedBodyBytes { response.padding = max(0, size - response.body.count) }
            response.chunked = faults.chunkedBody == true
            return response
        }
    }

    /// Latency, hang, location block, rate limit, 5xx and HTML-page knobs; nil when none fires.
    private func transportFaults(_ faults: Faults, request: ServerRequest) -> ServerResponse? {
        if let latency = faults.latencyMs, latency > 0 { sleep(seconds: Double(latency) / 1000) }
        if let hang = faults.hangSeconds, hang > 0 { sleep(seconds: hang) }
        if let form = faults.regionBlock, let blocked = simulator.regionRestricted(form) { return blocked }
        if faults.rateLimited == true { return simulator.rateLimited(retryAfter: faults.retryAfterSeconds ?? 30) }
        if let status = faults.serverError, status >= 500 { return simulator.serverError(status) }
        if faults.htmlError == true { return .html(502, title: "Bad Gateway") }
        // fidelity-reads knobs
        if let location = faults.redirectTo { return ReadFaults.redirect(to: location, status: faults.redirectStatus) }
        if let outage = faults.outage { return ReadFaults.outage(outage, exchange: exchange) }
        return nil
    }

    /// Sleeps in short slices so a stopping server is not held up by a hung handler.
    private func sleep(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && !isStopped() {
            Thread.sleep(forTimeInterval: min(0.05, max(0, deadline.timeIntervalSinceNow)))
        }
    }

    /// `GET /__sandbox/stats`, `POST /__sandbox/stats/reset`, `POST /__sandbox/fixture`, `GET /__sandbox/fixture`.
    private func admin(_ request: ServerRequest) -> ServerResponse {
        switch (request.method, request.path) {
        case ("GET", "/__sandbox/stats"):
            let stats = state.stats(exchange)
            let rates = state.rateStatistics()
            var object: [String: Any] = [
                "exchange": exchange.rawValue, "requests": stats.requests, "inFlight": stats.inFlight,
                "maxInFlight": stats.maxInFlight, "paths": stats.paths, "keys": stats.keys,
            ]
            // The exchange's own counters: the highest weight used in any minute and how often a limit refused.
            switch exchange {
            case .binance:
                object["maxWeightPerMinute"] = rates.maxWeightPerMinute
                object["weightLimit"] = BinanceSimulator.weightLimit(state)
                object["weightRefusals"] = rates.weightRefusals
            case .kraken:
                object["counterRefusals"] = rates.counterRefusals
            default: break
            }
            return .json(200, object: object)
        case ("POST", "/__sandbox/stats/reset"):
            state.resetStats(exchange)
            return .json(200, "{\"ok\":true}")
        case ("GET", "/__sandbox/fixture"):
            let data = (try? JSONEncoder().encode(state.currentFixture)) ?? Data("{}".utf8)
            return ServerResponse(status: 200, headers: [("Content-Type", "application/json")], body: data)
        case ("POST", "/__sandbox/fixture"):
            guard let update = try? JSONDecoder().decode(FixtureUpdate.self, from: request.body) else {
                return .json(400, object: ["error": "body must be a FixtureUpdate JSON object"])
            }
            guard state.apply(update, exchange: exchange) else {
                return .json(404, object: ["error": "no \(exchange.rawValue) account with that apiKey"])
            }
            return .json(200, "{\"ok\":true}")
        default:
            return .json(404, object: ["error": "unknown admin endpoint"])
        }
    }
}
