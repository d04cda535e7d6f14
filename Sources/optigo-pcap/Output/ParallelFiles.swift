import Dispatch
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs one job per input file on several threads and hands the results back in input order.
///
/// Each worker takes the next file when it is done with one, so at most `jobs` files are open (and at most `jobs`
/// pipelines and engines are alive) at once: memory is bounded per worker, whatever the number of files.
enum ParallelFiles {
  /// The default for `-j`: the number of online processors.
  static var defaultJobs: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

  /// `body(i)` for every `i` in `0..<count`, on up to `jobs` threads; the results in index order.
  static func map<T: Sendable>(_ count: Int, jobs: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let workers = min(max(1, jobs), count)
    guard workers > 1 else { return (0..<count).map(body) }
    let next = Atomic<Int>(0)
    let results = Mutex<[T?]>(Array(repeating: nil, count: count))
    withoutActuallyEscaping(body) { body in
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
          let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
          guard i < count else { return }
          let r = body(i)
          results.withLock { $0[i] = r }
        }
      }
    }
    return results.withLock { $0.compactMap { $0 } }
  }
}
