// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "docket",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "docket", targets: ["docket"]),
    ],
    dependencies: [
        // Traits off: swift-configuration is not used, so it is not built.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // Already built for Hummingbird; named so the round-closing service can be one.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Already built for Hummingbird; the offline client's HTTP/1.1 transport uses it directly.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // The public seminar page: templates and Markdown (DESIGN.md); both small and dependency-free.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        // /metrics in the Prometheus text format (DESIGN.md); its registry is used directly, so the
        // swift-metrics facade it brings is not bootstrapped (tests build many apps in one process).
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        .target(name: "DocketCore", swiftSettings: strict),
        .target(name: "DocketAPI", dependencies: ["DocketCore"], swiftSettings: strict),
        .target(
            name: "DocketStore",
            dependencies: [
                "DocketCore", "COpenSSL", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the one statement QuietCache steps on a connection of its own.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // What the public sees: the seminar page, calendar, feed and bibliography, rendered from core values.
        .target(
            name: "DocketWeb",
            dependencies: [
                "DocketCore", .product(name: "Mustache", package: "swift-mustache"), .product(name: "Ink", package: "Ink"),
            ],
            // The .mustache sources of EmbeddedTemplates.swift (scripts/embed-schema): no resource bundle.
            exclude: ["Templates"],
            swiftSettings: strict
        ),
        .target(
            name: "DocketServer",
            dependencies: [
                "DocketCore", "DocketAPI", "DocketStore", "DocketWeb",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "DocketClient",
            dependencies: [
                "DocketCore", "DocketAPI", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "docket",
            dependencies: [
                "DocketCore", "DocketAPI", "DocketStore", "DocketServer", "DocketClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Built and run by scripts/bench only (release); not a product.
        .executableTarget(name: "DocketBench", dependencies: ["DocketCore", "DocketStore"], swiftSettings: strict),
        .testTarget(name: "DocketCoreTests", dependencies: ["DocketCore"], swiftSettings: strict),
        .testTarget(name: "DocketWebTests", dependencies: ["DocketWeb", "DocketCore", "DocketTestSupport"], swiftSettings: strict),
        .testTarget(name: "DocketAPITests", dependencies: ["DocketAPI", "DocketCore"], swiftSettings: strict),
        // Child processes for tests, without Foundation's Process (see Spawned.swift), and the readers of
        // calendar and feed text the calendar tests share.
        .target(name: "DocketTestSupport", path: "Tests/DocketTestSupport", swiftSettings: strict),
        // GRDB: to write rows older releases wrote, which today's handlers no longer produce.
        .testTarget(
            name: "DocketStoreTests",
            dependencies: ["DocketStore", "DocketCore", "DocketTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(
            name: "DocketServerTests",
            dependencies: [
                "DocketServer", "DocketStore", "DocketCore", "DocketAPI", "DocketTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DocketClientTests",
            dependencies: [
                "DocketClient", "DocketCore", "DocketAPI", "DocketServer", "DocketStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Mail/ holds the mail-in tests' messages, read by path (MailInTests.swift).
        .testTarget(
            name: "DocketEndToEndTests", dependencies: ["DocketCore", "DocketStore", "DocketTestSupport"], exclude: ["Mail"],
            swiftSettings: strict),
    ]
)
