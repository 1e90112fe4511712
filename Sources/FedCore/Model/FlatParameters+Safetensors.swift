extension FlatParameters {
    /// Reads `file`'s aggregated tensors in `layout` order straight into the precision
    /// ``precisionIsFloat(for:)`` chooses, 65,536 values at a time: no full-length `Double` copy of an F32
    /// model is made (peak: the vector itself plus one 512 KiB block, and the file's mapped pages).
    ///
    /// - Throws: ``FedCoreError/Layout/layoutMismatch(file:detail:)`` when `file` does not match `layout`;
    ///   ``FedCoreError/Layout/file(_:)`` wrapping ``FedCoreError/Safetensors/nonFiniteValue(file:tensor:index:)``.
    public init(file: SafetensorsFile, layout: ModelLayout) throws(FedCoreError.Layout) {
        try layout.validate(file)
        let count = layout.parameterCount
        var flat: FlatParameters = Self.precisionIsFloat(for: layout)
            ? .float([Float](repeating: 0, count: count)) : .double([Double](repeating: 0, count: count))
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: 1 << 16)
        defer { scratch.deallocate() }
        do {
            try flat.withWriter { (writer) throws(FedCoreError.Safetensors) in
                for e in layout.entries {
                    guard let t = file.tensor(named: e.name) else { continue }
                    var start = 0
                    while start < e.count {
                        let n = Swift.min(scratch.count, e.count - start)
                        let block = UnsafeMutableBufferPointer(rebasing: scratch[0..<n])
                        try file.readValues(of: t, elements: start..<start + n, into: block)
                        writer.store(UnsafeBufferPointer(block), at: e.offset + start)
                        start += n
                    }
                }
            }
        } catch {
            throw .file(error)
        }
        self = flat
    }

    /// Value `index` as a `Double` (exact for both precisions).
    @inline(__always)
    public func value(at index: Int) -> Double {
        switch self {
        case .double(let v): v[index]
        case .float(let v): Double(v[index])
        }
    }
}
