extension FedCoreError {
    /// Why a model file or vector does not fit a ``ModelLayout``.
    public enum Layout: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file's float tensors differ from the layout; `detail` names the first difference
        /// (missing tensor, extra tensor, dtype or shape change).
        case layoutMismatch(file: String, detail: String)
        /// A flat vector's length differs from ``ModelLayout/parameterCount``.
        case wrongParameterCount(expected: Int, actual: Int)
        /// The source file has no float tensor to aggregate, or a layout was given an invalid entry.
        case invalidLayout(detail: String)
        /// The underlying file failed validation or could not be read.
        case file(FedCoreError.Safetensors)

        public var description: String {
            switch self {
            case .layoutMismatch(let file, let detail): "\(file): does not match the model layout: \(detail)"
            case .wrongParameterCount(let e, let a): "vector has \(a) parameters, the layout has \(e)"
            case .invalidLayout(let detail): "invalid model layout: \(detail)"
            case .file(let error): error.description
            }
        }
    }
}
