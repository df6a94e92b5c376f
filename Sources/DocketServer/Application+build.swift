public import DocketStore
public import Hummingbird
public import Logging

/// Builds the whole HTTP application: the one composition root, used by `docket serve` and by tests.
public func buildApplication(store: Store, settings: ServerSettings, logger: Logger) -> some ApplicationProtocol {
    let router = buildRouter(store: store, settings: settings, logger: logger)
    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "docket"),
        services: [RoundCloser(store: store, logger: logger)],
        logger: logger)
}

/// The router with every route and middleware, for in-process tests.
public func buildRouter(store: Store, settings: ServerSettings, logger: Logger) -> Router<AppContext> {
    let router = Router(context: AppContext.self)
    router.add(middleware: RequestLogMiddleware(logger: logger))
    router.add(middleware: AuthMiddleware(store: store))
    ReadRoutes(store: store).register(on: router)
    SyncRoutes(store: store, settings: settings).register(on: router)
    AccountRoutes(store: store, settings: settings).register(on: router)
    return router
}
