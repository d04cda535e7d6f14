import Testing

@testable import CaptureSanitizer
import OptigoTestSupport

/// Crypto-PAn against the reference implementation's sample key and trace, and its defining property.
@Suite struct CryptoPAnTests {
  /// The key of the Crypto-PAn reference distribution's sample (sample_trace_raw.dat / sample_trace_sanitized.dat).
  static let referenceKey: [UInt8] = [
    21, 34, 23, 141, 51, 164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16,
    216, 152, 143, 131, 121, 121, 101, 39, 98, 87, 76, 45, 42, 132, 34, 2,
  ]

  /// Address pairs from the reference sample trace (raw -> sanitized).
  static let referenceVectors: [(String, String)] = [
    ("128.11.68.132", "135.242.180.132"), ("129.118.74.4", "134.136.186.123"),
    ("130.132.252.244", "133.68.164.234"), ("141.223.7.43", "141.167.8.160"),
    ("141.233.145.108", "141.129.237.235"), ("152.163.225.39", "151.140.114.167"),
    ("156.29.3.236", "147.225.12.42"), ("165.247.96.84", "162.9.99.234"),
    ("166.107.77.190", "160.132.178.185"), ("192.102.249.13", "252.138.62.131"),
    ("192.215.32.125", "252.43.47.189"), ("192.233.80.103", "252.25.108.8"),
    ("192.41.57.43", "252.222.221.184"), ("193.150.244.223", "253.169.52.216"),
    ("195.205.63.100", "255.186.223.5"), ("198.200.171.101", "249.199.68.213"),
    ("198.26.132.101", "249.36.123.202"), ("198.36.213.5", "249.7.21.132"),
    ("198.51.77.238", "249.18.186.254"), ("199.217.79.101", "248.38.184.213"),
    ("202.49.198.20", "245.206.7.234"), ("203.12.160.252", "244.248.163.4"),
    ("204.184.162.189", "243.192.77.90"), ("212.146.8.236", "228.19.4.234"),
    ("212.186.227.154", "228.59.98.98"), ("212.204.172.118", "228.71.195.169"),
    ("212.206.130.201", "228.69.242.193"), ("216.148.237.145", "235.84.194.111"),
    ("216.157.30.252", "235.89.31.26"), ("216.184.159.48", "235.96.225.78"),
    ("216.227.10.221", "235.28.253.36"), ("216.254.18.172", "235.7.16.162"),
    ("216.32.132.250", "235.192.139.38"), ("216.35.217.178", "235.195.157.81"),
    ("24.0.250.221", "100.15.198.226"), ("24.13.62.231", "100.2.192.247"),
    ("24.14.213.138", "100.1.42.141"), ("24.5.0.80", "100.9.15.210"), ("24.7.198.88", "100.10.6.25"),
    ("24.94.26.44", "100.88.228.35"), ("38.15.67.68", "64.3.66.187"), ("4.3.88.225", "124.60.155.63"),
    ("63.14.55.111", "95.9.215.7"), ("63.195.241.44", "95.179.238.44"), ("63.97.7.140", "95.97.9.123"),
    ("64.14.118.196", "0.255.183.58"), ("64.34.154.117", "0.221.154.117"), ("64.39.15.238", "0.219.7.41"),
    ("10.185.25.118", "117.161.29.118"),
  ]

  static func parse4(_ s: String) -> UInt32 {
    s.split(separator: ".").reduce(UInt32(0)) { $0 << 8 | UInt32($1)! }
  }

  @Test func referenceSampleTrace() throws {
    let pan = try #require(CryptoPAn(key: Self.referenceKey))
    for (raw, sanitized) in Self.referenceVectors {
      #expect(pan.encrypt(Self.parse4(raw)) == Self.parse4(sanitized), "\(raw)")
      #expect(pan.decrypt(Self.parse4(sanitized)) == Self.parse4(raw), "\(sanitized)")
    }
  }

  /// IPv6 pairs published with the Go port of the reference implementation (same key, same construction).
  @Test func ipv6Vectors() throws {
    let pan = try #require(CryptoPAn(key: Self.referenceKey))
    let vectors: [((UInt64, UInt64), (UInt64, UInt64))] = [
      ((0, 1), (0x78ff_f001_9fc0_20df, 0x8380_b1f1_0704_00ed)),
      ((0, 2), (0x78ff_f001_9fc0_20df, 0x8380_b1f1_0704_00ef)),
      ((0, 0xffff), (0x78ff_f001_9fc0_20df, 0x8380_b1f1_0704_f838)),
      ((0x2001_0db8_0000_0000, 1), (0x4401_02bc_603f_d91d, 0x027f_ff8e_e6f1_dc1e)),
      ((0x2001_0db8_0000_0000, 2), (0x4401_02bc_603f_d91d, 0x027f_ff8e_e6f1_dc1c)),
    ]
    for (input, expected) in vectors {
      let out = pan.encrypt(high: input.0, low: input.1)
      #expect(out.high == expected.0 && out.low == expected.1)
    }
  }

  /// Two addresses sharing exactly k leading bits get pseudonyms sharing exactly k leading bits (all k, v4 and v6).
  @Test func prefixPreservationProperty() throws {
    let pan = try #require(CryptoPAn(key: Array(0..<32)))
    var rng = SplitMix(seed: 19)
    for _ in 0..<300 {
      let a = UInt32(truncatingIfNeeded: rng.next())
      let k = Int(rng.next() % 32)
      let b = a ^ (UInt32(0x8000_0000) >> UInt32(k)) ^ (UInt32(truncatingIfNeeded: rng.next()) & (UInt32.max >> UInt32(k + 1)))
      #expect((a ^ b).leadingZeroBitCount == k)
      #expect((pan.encrypt(a) ^ pan.encrypt(b)).leadingZeroBitCount == k, "k=\(k)")
    }
    for _ in 0..<60 {
      let high = rng.next(), low = rng.next()
      let k = Int(rng.next() % 128)
      var h2 = high, l2 = low
      if k < 64 { h2 ^= UInt64(1) << UInt64(63 - k); l2 = rng.next() } else { l2 ^= UInt64(1) << UInt64(127 - k) }
      let p = pan.encrypt(high: high, low: low), q = pan.encrypt(high: h2, low: l2)
      let shared = p.high != q.high ? (p.high ^ q.high).leadingZeroBitCount : 64 + (p.low ^ q.low).leadingZeroBitCount
      #expect(shared == k, "k=\(k)")
    }
  }
}

/// A small deterministic generator for property tests.
typealias SplitMix = SplitMix64
