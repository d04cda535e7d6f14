// swift-tools-version: 6.1
// Benchmarks for optigo-pcap: a nested package, so library users never resolve the benchmark dependencies.
// Run: `cd Benchmarks && swift package benchmark` (see README.md here).
import PackageDescription

/// A path dependency's identity is its folder name, which differs between checkouts (developer clone, CI
/// workspace): derive it from this manifest's location instead of hard-coding "optigo-pcap".
let rootIdentity = String(Context.packageDirectory.split(separator: "/").dropLast().last!).lowercased()

/// What every benchmark executable needs.
let benchmarkDependencies: [Target.Dependency] = [
  "BenchmarkInputs",
  .product(name: "Benchmark", package: "benchmark"),
]

let package = Package(
  name: "benchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(path: "../"),
    // MallocInterposer only: the default RuntimeInterposer trait pulls a package that is not needed here.
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    // zlib's deflate, used only to make gzip inputs in-process.
    .systemLibrary(
      name: "CBenchZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
    ),
    // Deterministic synthetic captures (pcap, pcapng, gzip, MS/TP) built in memory.
    .target(name: "BenchmarkInputs", dependencies: ["CBenchZlib"]),
    // Writes the same synthetic captures to files (compare.sh falls back to it without ../shared).
    .executableTarget(name: "bench-gen", dependencies: ["BenchmarkInputs"]),
    .executableTarget(
      name: "PcapKitBenchmarks",
      dependencies: benchmarkDependencies + [.product(name: "PcapKit", package: rootIdentity)],
      path: "Benchmarks/PcapKitBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    .executableTarget(
      name: "BACnetDecodeBenchmarks",
      dependencies: benchmarkDependencies + [
        .product(name: "PcapKit", package: rootIdentity),
        .product(name: "BACnetDecode", package: rootIdentity),
      ],
      path: "Benchmarks/BACnetDecodeBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    .executableTarget(
      name: "AnalysisBenchmarks",
      dependencies: benchmarkDependencies + [
        .product(name: "PcapKit", package: rootIdentity),
        .product(name: "BACnetAnalysis", package: rootIdentity),
      ],
      path: "Benchmarks/AnalysisBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
  ]
)
