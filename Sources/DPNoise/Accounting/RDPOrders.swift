/// Grids of Rényi-DP orders α on which RDP curves are evaluated and converted to (ε, δ).
///
/// The reported optimal order is always a point of the grid used, so results are only comparable between
/// runs that use the same grid.
public enum RDPOrders {
    /// The 156 default orders of Google's dp-accounting 0.6 `RdpAccountant`:
    /// 1.1, 1.2, …, 10.9 (computed as 1 + x/10), 11, 12, …, 63, then 128, 256, 512, 1024.
    /// Used for the (sampled) continuous Gaussian.
    public static let dpAccountingDefault: [Double] = {
        let fractional: [Double] = (1...99).map { (x: Int) -> Double in 1.0 + Double(x) / 10.0 }
        let integers: [Double] = (11...63).map { (x: Int) -> Double in Double(x) }
        let large: [Double] = [128, 256, 512, 1024]
        return fractional + integers + large
    }()

    /// Integer orders 2, 3, …, 128 plus 256, as Google's distributed-DP code uses for the distributed
    /// discrete Gaussian and Skellam (whose subsampling bound needs integer orders) and for their calibration.
    public static let integer2to128And256: [Double] = (2...128).map { (x: Int) -> Double in Double(x) } + [256.0]

    /// Integer orders `lower...upper` (both ≥ 2).
    public static func integers(_ lower: Int, through upper: Int) -> [Double] {
        guard lower <= upper else { return [] }
        return (max(lower, 2)...max(upper, 2)).map(Double.init)
    }
}
