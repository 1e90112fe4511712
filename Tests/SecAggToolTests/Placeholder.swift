import Testing

@Suite struct SecAggToolTestsPlaceholder {}
