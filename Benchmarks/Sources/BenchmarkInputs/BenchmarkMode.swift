#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Sizes and durations shared by the benchmark executables.
///
/// `OPTIGO_BENCH_SMOKE=1` (set by `ci-smoke.sh`) shortens every benchmark to a few iterations: enough for the
/// malloc counts, which are deterministic, but not for stable wall-clock figures. Input sizes never change with
/// the mode, so malloc counts per iteration are comparable with the committed thresholds.
public enum BenchmarkMode {
  /// True when `OPTIGO_BENCH_SMOKE` is set to a non-empty value other than `0`.
  public static let isSmoke: Bool = {
    guard let v = getenv("OPTIGO_BENCH_SMOKE") else { return false }
    let s = String(cString: v)
    return !s.isEmpty && s != "0"
  }()

  /// Packets in each capture benchmark's input (about 5.8 MB of classic pcap).
  public static let packets = 20_000

  /// Messages in each decoder benchmark's input.
  public static let messages = 20_000

  /// Longest time one benchmark runs, in milliseconds.
  public static var maxMilliseconds: Int { isSmoke ? 300 : 3_000 }

  /// Most iterations of one benchmark.
  public static var maxIterations: Int { isSmoke ? 5 : 1_000 }
}
