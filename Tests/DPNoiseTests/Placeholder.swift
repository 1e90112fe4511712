import Testing

@Suite struct DPNoiseTestsPlaceholder {}
