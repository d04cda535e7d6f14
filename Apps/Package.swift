// swift-tools-version: 6.2
// The services of optigo-pcap (the Capture Tool, later the upload/analysis server): a nested package, so the
// libraries of the root package never resolve a web dependency. Build: `cd Apps && swift build`; tests:
// `bash Apps/ci-test.sh` (see README.md here).
import PackageDescription

/// A path dependency's identity is its folder name, which differs between checkouts (developer clone, CI
/// workspace): derive it from this manifest's location instead of hard-coding "optigo-pcap".
let rootIdentity = String(Context.packageDirectory.split(separator: "/").dropLast().last!).lowercased()

let settings: [SwiftSetting] = [
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "optigo-apps",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "OptigoWebSecurity", targets: ["OptigoWebSecurity"]),
    .library(name: "OptigoWebTLS", targets: ["OptigoWebTLS"]),
    .executable(name: "optigo-capture-tool", targets: ["optigo-capture-tool"]),
    .executable(name: "optigo-server", targets: ["optigo-server"]),
  ],
  dependencies: [
    .package(path: "../"),
    // Only Foundation-backed helpers; swift-configuration support is not used.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
    .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // The upload server's embedded database (bundles its own SQLite).
    .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
  ],
  targets: [
    // Accounts, password rule, bcrypt, lockout, sessions, CSRF, audit log: shared by every service.
    .target(
      name: "OptigoWebSecurity",
      dependencies: [
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        // Atomic file output (temporary file, fsync, rename) is PcapKit's, reused rather than rewritten.
        .product(name: "PcapKit", package: rootIdentity),
      ],
      swiftSettings: settings
    ),
    // Self-signed certificate on first start, replacement, TLS 1.2 minimum: shared by every service.
    .target(
      name: "OptigoWebTLS",
      dependencies: [
        .product(name: "X509", package: "swift-certificates"),
        .product(name: "SwiftASN1", package: "swift-asn1"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        "OptigoWebSecurity",
        .product(name: "NIOCore", package: "swift-nio"),
      ],
      swiftSettings: settings
    ),
    // The Capture Tool's web console, configuration and spool, as a library so tests drive the real router.
    .target(
      name: "CaptureToolCore",
      dependencies: [
        "OptigoWebSecurity", "OptigoWebTLS",
        .product(name: "PcapKit", package: rootIdentity),
        .product(name: "BACnetAnalysis", package: rootIdentity),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTLS", package: "hummingbird"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
      ],
      swiftSettings: settings
    ),
    .executableTarget(
      name: "optigo-capture-tool",
      dependencies: [
        "CaptureToolCore",
        "OptigoWebSecurity",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: settings
    ),
    // The upload and analysis server (issue 18): SQLite stores, blob store, tus uploads, jobs, worker, console.
    .target(
      name: "OptigoServerCore",
      dependencies: [
        "OptigoWebSecurity", "OptigoWebTLS", "CaptureToolCore",
        .product(name: "PcapKit", package: rootIdentity),
        .product(name: "CaptureArchive", package: rootIdentity),
        .product(name: "BACnetAnalysis", package: rootIdentity),
        .product(name: "SQLiteNIO", package: "sqlite-nio"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTLS", package: "hummingbird"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
      ],
      swiftSettings: settings
    ),
    .executableTarget(
      name: "optigo-server",
      dependencies: [
        "OptigoServerCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: settings
    ),
    .testTarget(
      name: "OptigoServerTests",
      dependencies: [
        "OptigoServerCore", "OptigoWebSecurity", "OptigoWebTLS", "optigo-server",
        .product(name: "SQLiteNIO", package: "sqlite-nio"),
        .product(name: "PcapKit", package: rootIdentity),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
      ],
      swiftSettings: settings
    ),
    .testTarget(
      name: "OptigoWebSecurityTests",
      dependencies: ["OptigoWebSecurity", "OptigoWebTLS", .product(name: "X509", package: "swift-certificates"),
                     .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: settings
    ),
    .testTarget(
      name: "CaptureToolTests",
      dependencies: [
        "CaptureToolCore", "OptigoWebSecurity", "OptigoWebTLS", "optigo-capture-tool",
        .product(name: "PcapKit", package: rootIdentity),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
      ],
      swiftSettings: settings
    ),
  ]
)
