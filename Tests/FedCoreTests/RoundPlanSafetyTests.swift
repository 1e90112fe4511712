import Testing

@testable import FedCore
@testable import SecureAgg

/// Every plan passes the clients' own checks (issue 12): the planner never announces a threshold below the
/// security floor, and the survivors it plans for always reach the consistency quorum.
@Suite struct RoundPlanSafetyTests {
    @Test(arguments: [AdversaryClass.curious, .semiMalicious])
    func everyPlanMeetsTheFloorAndTheQuorum(adversary: AdversaryClass) throws {
        var planned = 0
        for n in Array(2...60) + [100, 250, 1000] {
            for dropout in [0.0, 0.1, 0.2, 0.3] {
                for colluders in [0, 1, 3] {
                    var settings = SimulationSettings()
                    settings.dropoutFraction = dropout
                    settings.colludingClients = colluders
                    settings.adversary = adversary
                    let graph: GraphParameters
                    do { graph = try RoundPlanner.graph(clients: n, settings: settings) } catch {
                        // Refused only when even the complete graph is unsafe, naming a larger safe cohort.
                        let d = Int((dropout * Double(n)).rounded(.up))
                        #expect(!SecurityFloor.completeGraphIsSafe(cohort: n, dropouts: d, colluders: colluders))
                        #expect("\(error)".contains("smallest safe cohort") || "\(error)".contains("no cohort"))
                        continue
                    }
                    planned += 1
                    let k = graph.degree, t = graph.threshold
                    #expect(t >= SecurityFloor.minimumThreshold(degree: k, colluders: colluders), "n=\(n) k=\(k) t=\(t)")
                    #expect(t > colluders && t <= k && k <= n - 1)
                    let d = Int((dropout * Double(n)).rounded(.up))
                    #expect(n - d >= SecurityFloor.consistencyQuorum(cohort: n, colluders: colluders), "n=\(n) d=\(d)")
                    let m = RoundPlanner.minSurvivors(clients: n, threshold: t, settings: settings)
                    #expect(m >= SecurityFloor.minimumSurvivors(cohort: n, threshold: t, colluders: colluders))
                    #expect(m <= n - d || m == SecurityFloor.minimumSurvivors(cohort: n, threshold: t, colluders: colluders))
                }
            }
        }
        #expect(planned > 500)
    }

    /// The cohorts of the review: 3 clients cannot be made safe with one planned dropout (refused, naming 4);
    /// 4 clients get k = 3, t = 2 with a quorum of 3, which the partition attack cannot break.
    @Test func smallCohortsAreRefusedWithTheSmallestSafeOne() throws {
        let settings = SimulationSettings()  // dropout 0.1, no colluders
        do {
            _ = try RoundPlanner.graph(clients: 3, settings: settings)
            Issue.record("a 3-client cohort with a planned dropout was planned")
        } catch {
            #expect("\(error)".contains("smallest safe cohort is 4"))
        }
        let four = try RoundPlanner.graph(clients: 4, settings: settings)
        #expect(four == GraphParameters(degree: 3, threshold: 2))
        var noDrop = settings
        noDrop.dropoutFraction = 0
        #expect(try RoundPlanner.graph(clients: 3, settings: noDrop) == GraphParameters(degree: 2, threshold: 2))
        #expect(SecurityFloor.smallestSafeCohort(dropoutFraction: 0.1, colluders: 0) == 4)
    }

    /// An explicit --min-survivors below the quorum is refused before anything starts.
    @Test func minSurvivorsBelowTheQuorumIsRefused() throws {
        var settings = SimulationSettings()
        settings.minSurvivors = 5
        #expect(throws: FedCoreError.self) {
            _ = try RoundPlanner.plan(
                round: 1, cohort: (1...20).map { UInt32($0) }, dimension: 16, settings: settings, noiseMultiplier: nil,
                bits: 16, roundSeed: [UInt8](repeating: 0, count: 32))
        }
    }
}
