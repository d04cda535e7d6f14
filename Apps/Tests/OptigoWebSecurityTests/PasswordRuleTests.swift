import OptigoWebSecurity
import Testing

@Suite struct PasswordRuleTests {
  @Test(arguments: ["Abcdefg1", "Abcdefg!", "zzzzzzZ#", "Pässwört9", "Correct Horse 7"])
  func accepted(_ password: String) {
    #expect(PasswordRule.violation(of: password) == nil)
  }

  @Test func tooShort() throws {
    let message = try #require(PasswordRule.violation(of: "Abcde1!"))
    #expect(message.contains("at least 8 characters"))
    #expect(message.contains(PasswordRule.summary))
  }

  @Test func missingClasses() throws {
    #expect(try #require(PasswordRule.violation(of: "abcdefgh1")).contains("an upper-case letter"))
    #expect(try #require(PasswordRule.violation(of: "ABCDEFGH1")).contains("a lower-case letter"))
    #expect(try #require(PasswordRule.violation(of: "Abcdefghij")).contains("a digit or special character"))
    // Spaces are not the "special character" the rule asks for.
    #expect(try #require(PasswordRule.violation(of: "Abcd efgh")).contains("a digit or special character"))
  }

  @Test func defaultPasswordBreaksTheRule() {
    #expect(PasswordRule.violation(of: AccountService.defaultAdminPassword) != nil)
  }

  @Test func longerThanBcryptReadsIsRefused() throws {
    let password = "Aa1" + String(repeating: "x", count: 70)  // 73 bytes
    #expect(try #require(PasswordRule.violation(of: password)).contains("at most 72 bytes"))
    #expect(PasswordRule.violation(of: String(password.dropLast())) == nil)
  }

  @Test func controlCharactersRefused() {
    #expect(PasswordRule.violation(of: "Abcdefg1\u{0}") != nil)
  }
}
