// swift-tools-version: 6.2
import PackageDescription

/// Settings shared by the library targets: Swift 6 mode is implied by the tools version;
/// every `unsafe` construct must be marked, so the few that exist are visible in review.
let librarySettings: [SwiftSetting] = [
  .strictMemorySafety(),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "optigo-pcap",
  products: [
    .library(name: "PcapKit", targets: ["PcapKit"]),
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
    // SHA-256 for content-derived capture names and AES for the sanitizer, from the system's OpenSSL (CLI and
    // CaptureSanitizer only: the other libraries depend on the toolchain and zlib alone).
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
    .target(name: "PcapKit", dependencies: ["WireBytes", "CZlib"], swiftSettings: librarySettings),
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
    .target(name: "PacketCapture", dependencies: ["PcapKit", "BACnetDecode", "CPacketCapture", "CSerialPort"],
            swiftSettings: librarySettings),
    // Content pseudonymization before a capture leaves the site (AES for Crypto-PAn and keyed pseudonyms from the
    // system's libcrypto), shared by the CLI and the capture daemon.
    .target(
      name: "CaptureSanitizer", dependencies: ["PcapKit", "BACnetDecode", "WireBytes", "CLibCrypto"],
      swiftSettings: librarySettings),
    .executableTarget(
      name: "optigo-pcap",
      dependencies: [
        "WireBytes", "PcapKit", "BACnetDecode", "BACnetAnalysis", "CaptureCompression", "PacketCapture", "CaptureSanitizer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        "CLibCrypto",
      ]
    ),
    .testTarget(name: "WireBytesTests", dependencies: ["WireBytes"]),
    .testTarget(name: "PcapKitTests", dependencies: ["PcapKit", "CaptureCompression"]),
    .testTarget(name: "BACnetDecodeTests", dependencies: ["BACnetDecode"]),
    .testTarget(name: "BACnetAnalysisTests", dependencies: ["BACnetAnalysis", "PcapKit", "BACnetDecode"]),
    .testTarget(name: "CaptureSanitizerTests", dependencies: ["CaptureSanitizer", "PcapKit", "BACnetDecode"]),
    .testTarget(
      name: "PacketCaptureTests",
      dependencies: ["PacketCapture", "PcapKit", "CPacketCapture", "BACnetDecode", "BACnetAnalysis", "CSerialPort"]
    ),
    .testTarget(
      name: "OptigoPcapTests",
      dependencies: [
        "optigo-pcap", "PcapKit", "BACnetDecode", "BACnetAnalysis",
      ]
    ),
  ]
)
