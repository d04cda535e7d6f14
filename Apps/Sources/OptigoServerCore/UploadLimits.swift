/// Limits of the upload API.
public struct UploadLimits: Sendable {
  /// Largest `Upload-Length` accepted (4 GiB by default).
  public var maximumUploadBytes: Int
  /// Largest stored capture once decompressed and scrubbed (16 GiB by default).
  public var maximumStoredBytes: Int
  /// Largest `Upload-Metadata` header (4 KiB).
  public var maximumMetadataBytes: Int
  /// Longest original file name, in bytes (255).
  public var maximumNameBytes: Int
  /// An upload not completed within this many seconds of its creation is removed (24 hours by default).
  public var expirySeconds: Double
  /// Unfinished uploads a token may hold at once.
  public var maximumOpenUploadsPerToken: Int
  /// Requests per second a token may make on average, and the burst allowed above that.
  public var requestsPerSecond: Double
  /// The burst.
  public var burst: Double

  /// The defaults.
  public init(
    maximumUploadBytes: Int = 4 << 30, maximumStoredBytes: Int = 16 << 30, maximumMetadataBytes: Int = 4096,
    maximumNameBytes: Int = 255, expirySeconds: Double = 24 * 3600, maximumOpenUploadsPerToken: Int = 32,
    requestsPerSecond: Double = 10, burst: Double = 60
  ) {
    self.maximumUploadBytes = maximumUploadBytes
    self.maximumStoredBytes = maximumStoredBytes
    self.maximumMetadataBytes = maximumMetadataBytes
    self.maximumNameBytes = maximumNameBytes
    self.expirySeconds = expirySeconds
    self.maximumOpenUploadsPerToken = maximumOpenUploadsPerToken
    self.requestsPerSecond = requestsPerSecond
    self.burst = burst
  }
}

/// Per-key token buckets (one per device token): each request takes one token; tokens refill at a steady rate
/// up to the burst. Memory is bounded by the number of device tokens.
public actor RateLimiter {
  private var buckets: [Int: (tokens: Double, at: Double)] = [:]
  let rate: Double
  let burst: Double
  let now: @Sendable () -> Double

  /// A limiter allowing `rate` requests per second with bursts of `burst`.
  public init(rate: Double, burst: Double, now: @escaping @Sendable () -> Double) {
    self.rate = rate
    self.burst = max(1, burst)
    self.now = now
  }

  /// Takes one request's token for `key`; nil when allowed, otherwise the seconds until one is available.
  public func take(_ key: Int) -> Double? {
    let time = now()
    var bucket = buckets[key] ?? (burst, time)
    bucket.tokens = min(burst, bucket.tokens + (time - bucket.at) * rate)
    bucket.at = time
    if bucket.tokens >= 1 {
      bucket.tokens -= 1
      buckets[key] = bucket
      return nil
    }
    buckets[key] = bucket
    return rate > 0 ? (1 - bucket.tokens) / rate : 3600
  }
}
