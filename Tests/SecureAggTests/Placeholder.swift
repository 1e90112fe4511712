import Testing

@Suite struct SecureAggTestsPlaceholder {}
