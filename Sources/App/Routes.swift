import Web

/// The API's routes in one table, so what the service answers is visible at a glance.
enum Routes {
    static func build() -> Router<Application> {
        var router = Router<Application>()
        router.add("GET", "/health", HealthHandler.health)
        router.add("GET", "/metrics", MetricsHandler.metrics)
        router.add("POST", "/api/v1/auth/login", AuthHandlers.login)
        router.add("POST", "/api/v1/auth/logout", authenticated(AuthHandlers.logout))
        router.add("GET", "/api/v1/auth/me", authenticated(AuthHandlers.me))
        router.add("PATCH", "/api/v1/auth/me", authenticated(AuthHandlers.updateMe))

        router.add("GET", "/api/v1/exchanges/supported", authenticated(ExchangeHandlers.supported))
        router.add("POST", "/api/v1/exchanges/test", authenticated(ExchangeHandlers.test))
        router.add("POST", "/api/v1/exchanges/connect", authenticated(ExchangeHandlers.connect))
        router.add("POST", "/api/v1/exchanges/sync-all", authenticated(ConnectionHandlers.syncAll))
        router.add("GET", "/api/v1/exchanges/connections", authenticated(ConnectionHandlers.list))
        router.add("PATCH", "/api/v1/exchanges/connections/:id", authenticated(ConnectionHandlers.update))
        router.add("DELETE", "/api/v1/exchanges/connections/:id", authenticated(ConnectionHandlers.delete))
        router.add("POST", "/api/v1/exchanges/connections/:id/sync", authenticated(ConnectionHandlers.sync))
        router.add("GET", "/api/v1/exchanges/connections/:id/holdings", authenticated(ConnectionHandlers.holdings))
        router.add("GET", "/api/v1/exchanges/connections/:id/syncs", authenticated(ConnectionHandlers.syncs))
        router.add("GET", "/api/v1/portfolios", authenticated(PortfolioHandlers.list))
        router.add("GET", "/api/v1/portfolio", authenticated(PortfolioValueHandlers.portfolio))
        router.add("GET", "/api/v1/portfolio/history", authenticated(PortfolioHistoryHandlers.history))
        router.add("GET", "/api/v1/portfolio/statement", authenticated(PortfolioStatementHandlers.statement))
        router.add("GET", "/api/v1/portfolio/export", authenticated(PortfolioStatementHandlers.export))
        router.add("GET", "/api/v1/alerts/channels", authenticated(AlertHandlers.channels))
        router.add("POST", "/api/v1/alerts/channels", authenticated(AlertHandlers.create))
        router.add("DELETE", "/api/v1/alerts/channels/:id", authenticated(AlertHandlers.delete))
        router.add("POST", "/api/v1/alerts/channels/:id/test", authenticated(AlertHandlers.test))
        router.add("GET", "/api/v1/alerts/deliveries", authenticated(AlertHandlers.deliveries))
        router.add("GET", "/api/v1/alerts/settings", authenticated(AlertHandlers.settings))
        router.add("PATCH", "/api/v1/alerts/settings", authenticated(AlertHandlers.updateSettings))
        router.add("GET", "/api/v1/feeds/ghostfolio", authenticated(FeedHandlers.get))
        router.add("PUT", "/api/v1/feeds/ghostfolio", authenticated(FeedHandlers.put))
        router.add("DELETE", "/api/v1/feeds/ghostfolio", authenticated(FeedHandlers.delete))
        router.add("POST", "/api/v1/feeds/ghostfolio/push", authenticated(FeedHandlers.push))
        router.add("GET", "/api/v1/feeds/ghostfolio/export", authenticated(FeedExportHandlers.ghostfolio))
        router.add("GET", "/api/v1/feeds/wealthfolio.csv", authenticated(FeedExportHandlers.wealthfolio))
        return router
    }

    /// A handler that also receives the caller's session.
    typealias AuthenticatedHandler = @Sendable (Request, Router<Application>.Parameters, Application, AuthenticatedSession) throws -> Response

    /// Wraps `handler` with authentication and, for state-changing methods, the CSRF check.
    static func authenticated(_ handler: @escaping AuthenticatedHandler) -> Router<Application>.Handler {
        { request, parameters, app in
            let session = try app.sessions.authenticate(request)
            if !["GET", "HEAD", "OPTIONS"].contains(request.method),
               !app.csrf.isValid(request.header("x-csrf-token"), for: session.sessionID) {
                throw APIError.csrfFailed
            }
            return try handler(request, parameters, app, session)
        }
    }
}
