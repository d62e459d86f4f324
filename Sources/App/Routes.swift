import Web

/// The API's routes in one table, so what the service answers is visible at a glance.
enum Routes {
    static func build() -> Router<Application> {
        var router = Router<Application>()
        router.add("GET", "/health", HealthHandler.health)
        router.add("POST", "/api/v1/auth/login", AuthHandlers.login)
        router.add("POST", "/api/v1/auth/logout", authenticated(AuthHandlers.logout))
        router.add("GET", "/api/v1/auth/me", authenticated(AuthHandlers.me))
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
