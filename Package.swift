// swift-tools-version: 6.2
import PackageDescription

/// Settings shared by the library targets (the CLI takes strict memory safety too): Swift 6 mode is implied by the tools version;
/// every `unsafe` construct must be marked, so the few that exist are visible in review.
let librarySettings: [SwiftSetting] = [
  .strictMemorySafety(),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "optigo-pcap",
  products: [
    .library(name: "PcapKit", targets: ["PcapKit"]),
    .library(name: "CaptureArchive", targets: ["CaptureArchive"]),
    .library(name: "BACnetDecode", targets: ["BACnetDecode"]),
    .library(name: "BACnetAnalysis", targets: ["BACnetAnalysis"]),
    .library(name: "CaptureCompression", targets: ["CaptureCompression"]),
    .library(name: "PacketCapture", targets: ["PacketCapture"]),
    .library(name: "CaptureSanitizer", targets: ["CaptureSanitizer"]),
    .executable(name: "optigo-pcap", targets: ["optigo-pcap"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
  ],
  targets: [
    .systemLibrary(
      name: "CZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
    ),
    // SHA-256 for content-derived capture names (CaptureArchive) and AES for the sanitizer, from the system's
    // OpenSSL (the other libraries depend on the toolchain and zlib alone).
    .systemLibrary(
      name: "CLibCrypto",
      pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"]), .brew(["openssl"])]
    ),
    // zstd and lz4 frame decompression for compressed captures (CaptureCompression only: PcapKit stays on zlib).
    .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
    .systemLibrary(name: "CLz4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"]), .brew(["lz4"])]),
    // Bounds-checked byte cursor shared (with `package` access) by the two decoding libraries.
    .target(name: "WireBytes", swiftSettings: librarySettings),
    // The POSIX and zlib wrappers (with `package` access) shared by PcapKit and CaptureArchive: not a product.
    .target(name: "_CaptureInternals", dependencies: ["CZlib"], swiftSettings: librarySettings),
    .target(name: "PcapKit", dependencies: ["WireBytes", "_CaptureInternals"], swiftSettings: librarySettings),
    // Journaled renames and copies, capture naming (random or SHA-256 of the content, from the system's libcrypto),
    // metadata scrubbing and the file-system abstraction: what a daemon needs to name and spool finished captures.
    .target(
      name: "CaptureArchive", dependencies: ["PcapKit", "_CaptureInternals", "CLibCrypto"],
      swiftSettings: librarySettings),
    .target(name: "BACnetDecode", dependencies: ["WireBytes"], swiftSettings: librarySettings),
    .target(name: "CaptureCompression", dependencies: ["PcapKit", "CZstd", "CLz4"], swiftSettings: librarySettings),
    // The pipeline packet view -> link layer -> BACnet decode -> analyzers, shared by CLI, daemon and server.
    .target(name: "BACnetAnalysis", dependencies: ["WireBytes", "PcapKit", "BACnetDecode"], swiftSettings: librarySettings),
    // linux/if_packet.h and linux/filter.h (not in the toolchain's Glibc module) and the few system calls that take
    // those structures, for PacketCapture.
    .target(name: "CPacketCapture"),
    // termios2 / BOTHER for any serial rate (asm/termbits.h clashes with termios.h, so it is C of its own).
    .target(name: "CSerialPort"),
    // Live capture: AF_PACKET ring source, kernel BPF from a PortSet, the MS/TP serial source (Serial/, MSTP/), and
    // the source-agnostic spool (rotation, atomic completed files, announcements, disk guard, signals) they share.
    .target(name: "PacketCapture", dependencies: ["PcapKit", "CaptureArchive", "BACnetDecode", "CPacketCapture", "CSerialPort"],
            swiftSettings: librarySettings),
    // Content pseudonymization before a capture leaves the site (AES for Crypto-PAn and keyed pseudonyms from the
    // system's libcrypto), shared by the CLI and the capture daemon.
    .target(
      name: "CaptureSanitizer", dependencies: ["PcapKit", "CaptureArchive", "BACnetDecode", "WireBytes", "CLibCrypto"],
      swiftSettings: librarySettings),
    .executableTarget(
      name: "optigo-pcap",
      dependencies: [
        "WireBytes", "PcapKit", "CaptureArchive", "BACnetDecode", "BACnetAnalysis", "CaptureCompression", "PacketCapture",
        "CaptureSanitizer", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: [.strictMemorySafety()]
    ),
    // Package root, fixture and ../shared/captures lookup, tool discovery (tshark, capinfos, …) and the seeded
    // SplitMix64 generator, shared by every test target instead of copies.
    .target(name: "OptigoTestSupport", path: "Tests/OptigoTestSupport"),
    .testTarget(name: "WireBytesTests", dependencies: ["OptigoTestSupport", "WireBytes"]),
    .testTarget(name: "PcapKitTests", dependencies: ["OptigoTestSupport", "PcapKit", "CaptureArchive", "CaptureCompression"]),
    .testTarget(
      name: "CaptureArchiveTests", dependencies: ["OptigoTestSupport", "CaptureArchive", "PcapKit", "_CaptureInternals"]),
    .testTarget(name: "BACnetDecodeTests", dependencies: ["OptigoTestSupport", "BACnetDecode"]),
    .testTarget(
      name: "BACnetAnalysisTests", dependencies: ["OptigoTestSupport", "BACnetAnalysis", "PcapKit", "BACnetDecode"]),
    .testTarget(
      name: "CaptureSanitizerTests", dependencies: ["OptigoTestSupport", "CaptureSanitizer", "PcapKit", "BACnetDecode"]),
    .testTarget(
      name: "PacketCaptureTests",
      dependencies: [
        "OptigoTestSupport", "PacketCapture", "PcapKit", "CaptureArchive", "CPacketCapture", "BACnetDecode",
        "BACnetAnalysis", "CSerialPort",
      ]
    ),
    .testTarget(
      name: "OptigoPcapTests",
      dependencies: [
        "OptigoTestSupport", "optigo-pcap", "PcapKit", "CaptureArchive", "BACnetDecode", "BACnetAnalysis",
      ]
    ),
  ]
)
