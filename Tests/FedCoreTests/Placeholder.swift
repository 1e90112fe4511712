import Testing

@Suite struct FedCoreTestsPlaceholder {}
