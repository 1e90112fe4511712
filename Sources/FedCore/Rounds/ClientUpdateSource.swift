import Foundation

/// One client's update as a round consumes it: a flat vector in layout order (model units) and an
/// example count (for weighted FedAvg).
public struct ClientUpdate: Sendable {
    /// The client's 1-based id (as `keygen` numbers them).
    public let clientID: UInt32
    /// Flat delta in the order of the round's ``ModelLayout`` (model units, finite).
    public let delta: [Double]
    /// Number of local examples behind the update (≥ 1).
    public let exampleCount: Int
}

/// Where a round's client updates come from. Updates are produced one client at a time so a round never
/// holds more than one client's vector (memory independent of the number of clients).
public protocol ClientUpdateSource: Sendable {
    /// Clients that have an update, sorted ascending.
    var clientIDs: [UInt32] { get }
    /// The layout every update follows.
    var layout: ModelLayout { get }
    /// Loads (or generates) client `id`'s update. Throws a typed error naming the file for bad input.
    func update(for id: UInt32) throws(FedCoreError.Update) -> ClientUpdate
    /// A block reader over client `id`'s update that never materialises the whole vector (rounds use this).
    /// The default wraps ``update(for:)`` (which holds the whole vector).
    func reader(for id: UInt32) throws(FedCoreError.Update) -> any ClientUpdateReader
}

extension ClientUpdateSource {
    public func reader(for id: UInt32) throws(FedCoreError.Update) -> any ClientUpdateReader {
        InMemoryUpdateReader(update: try update(for: id))
    }
}

/// Deterministic synthetic updates for clients `1…count` (the embedded default). **Seeded — not secure.**
public struct SyntheticUpdateSource: ClientUpdateSource {
    public let updates: SyntheticUpdates
    public let clientIDs: [UInt32]
    public var layout: ModelLayout { updates.layout }

    public init(updates: SyntheticUpdates, clients count: Int) {
        self.updates = updates
        self.clientIDs = (1...UInt32(max(count, 1))).map { $0 }
    }

    public func update(for id: UInt32) throws(FedCoreError.Update) -> ClientUpdate {
        guard clientIDs.contains(id) else { throw .unknownClient(id) }
        return ClientUpdate(
            clientID: id, delta: updates.delta(client: Int(id)), exampleCount: updates.exampleCount(client: Int(id)))
    }

    /// Generates client `id`'s delta block by block (nothing full-length is held).
    public func reader(for id: UInt32) throws(FedCoreError.Update) -> any ClientUpdateReader {
        guard clientIDs.contains(id) else { throw .unknownClient(id) }
        return SyntheticUpdateReader(updates: updates, client: Int(id))
    }
}

/// Updates read from a directory of `client-NNNN.safetensors` deltas (one per client, same layout).
/// Files are memory-mapped and read one at a time.
public struct DirectoryUpdateSource: ClientUpdateSource {
    public let directory: URL
    public let layout: ModelLayout
    public let clientIDs: [UInt32]
    private let files: [UInt32: URL]

    /// Lists the directory and checks file names; file contents are validated when each update is loaded.
    public init(directory: URL, layout: ModelLayout) throws(FedCoreError.Update) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .unreadableDirectory(path: directory.path, detail: FileErrorText.directoryFailure(directory.path, error))
        }
        var files: [UInt32: URL] = [:]
        for name in names where name.hasSuffix(".safetensors") {
            let url = directory.appendingPathComponent(name)
            let stem = name.dropLast(".safetensors".count)
            guard stem.hasPrefix("client-"), let id = UInt32(stem.dropFirst("client-".count)), id >= 1,
                files[id] == nil
            else { throw .badFileName(path: url.path) }
            files[id] = url
        }
        guard !files.isEmpty else { throw .noUpdates(path: directory.path) }
        self.directory = directory
        self.layout = layout
        self.files = files
        self.clientIDs = files.keys.sorted()
    }

    /// The update files whose `__metadata__` has no `num_examples` (file names, sorted). A weighted round
    /// refuses them: weighting such an update by 1 of up to W examples would silently multiply the relative
    /// noise of the average by up to W.
    public func filesWithoutExampleCount() throws(FedCoreError.Update) -> [String] {
        var missing: [String] = []
        for id in clientIDs {
            guard let url = files[id] else { continue }
            let file: SafetensorsFile
            do { file = try SafetensorsFile(contentsOf: url) } catch {
                throw .invalidUpdate(path: url.path, detail: "\(error)")
            }
            if file.metadata[SyntheticUpdates.exampleCountKey] == nil { missing.append(url.lastPathComponent) }
        }
        return missing
    }

    /// Reads client `id`'s file block by block with positioned reads (the file is not kept mapped, so a
    /// round's memory does not grow with the update files it reads).
    public func reader(for id: UInt32) throws(FedCoreError.Update) -> any ClientUpdateReader {
        guard let url = files[id] else { throw .unknownClient(id) }
        return try FileUpdateReader(url: url, layout: layout)
    }

    public func update(for id: UInt32) throws(FedCoreError.Update) -> ClientUpdate {
        guard let url = files[id] else { throw .unknownClient(id) }
        do {
            let file = try SafetensorsFile(contentsOf: url)
            let delta = try layout.flatten(file)
            let count = file.metadata[SyntheticUpdates.exampleCountKey].flatMap { Int($0) } ?? 1
            guard count >= 1 else { throw FedCoreError.Update.badExampleCount(path: url.path) }
            return ClientUpdate(clientID: id, delta: delta, exampleCount: count)
        } catch let error as FedCoreError.Update {
            throw error
        } catch {
            throw .invalidUpdate(path: url.path, detail: "\(error)")
        }
    }
}
