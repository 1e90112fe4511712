/// Which neighbouring pair a privacy-loss distribution describes under add/remove-one adjacency
/// (dp-accounting's `AdjacencyType`). With Poisson subsampling the two directions differ; the accountant
/// reports the worse of the two.
enum Adjacency: Sendable, CaseIterable {
    /// Upper distribution from the dataset with the record, lower without it.
    case remove
    /// Upper distribution from the dataset without the record, lower with it.
    case add
}
