public import DocketStore
public import Hummingbird
public import Logging
public import NIOCore

/// Builds the whole HTTP application: the one composition root, used by `docket serve` and by tests.
public func buildApplication(
    store: Store, settings: ServerSettings, logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let hub = PokeHub(store: store, logger: logger)
    let router = buildRouter(store: store, settings: settings, logger: logger, hub: hub)
    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "docket"),
        services: [Housekeeper(store: store, logger: logger, tombstoneRetentionDays: settings.tombstoneRetentionDays), hub],
        onServerRunning: onServerRunning,
        logger: logger)
}

/// The router with every route and middleware, for in-process tests.
public func buildRouter(store: Store, settings: ServerSettings, logger: Logger, hub: PokeHub? = nil) -> Router<AppContext> {
    let router = Router(context: AppContext.self)
    let metrics = ServerMetrics()
    let hub = hub ?? PokeHub(store: store, logger: logger)
    router.add(middleware: RequestLogMiddleware(logger: logger, metrics: metrics))
    router.add(middleware: AuthMiddleware(store: store))
    router.add(middleware: RateLimitMiddleware(limiter: RateLimiter(settings.rateLimit)))
    ReadRoutes(store: store).register(on: router)
    PublicPageRoutes(store: store).register(on: router)
    FeedRoutes(store: store, settings: settings).register(on: router)
    BibliographyRoutes(store: store).register(on: router)
    SyncRoutes(store: store, settings: settings, metrics: metrics).register(on: router)
    AccountRoutes(store: store, settings: settings).register(on: router)
    EventRoutes(hub: hub).register(on: router)
    router.get("/metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition(streams: await hub.connectionCount, databasePath: store.path))))
    }
    return router
}
