import ArgumentParser

/// Exit statuses shared by every subcommand (sysexits.h values, so scripts can tell failures apart).
///
/// | status | meaning |
/// |---|---|
/// | 0 | success |
/// | 64 | usage error: bad arguments or option values (also argument-parser's own validation errors) |
/// | 65 | damaged input: the input was read only in part (truncated or corrupt); everything before the damage was processed |
/// | 66 | unreadable input: missing, not a capture, permission denied |
/// | 73 | output failure: the output could not be created, written or renamed into place; the target is untouched |
/// | 77 | permission denied: live capture without the CAP_NET_RAW capability |
/// | 1 | any other failure |
enum ExitStatus {
  static let usage = ExitCode(64)
  static let damagedInput = ExitCode(65)
  static let unreadableInput = ExitCode(66)
  static let outputFailure = ExitCode(73)
  static let permission = ExitCode(77)
  static let failure = ExitCode(1)
}
