import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files of a store directory.
struct StorePaths: Sendable, Hashable {
    /// The directory.
    var directory: String

    /// The append-only journal.
    var journal: String { directory + "/" + Self.journalName }
    /// The compacted snapshot.
    var snapshot: String { directory + "/" + Self.snapshotName }
    /// The advisory lock file.
    var lock: String { directory + "/store.lock" }
    /// Where unreadable bytes are kept.
    var quarantine: String { directory + "/quarantine.jsonl" }

    /// The journal's file name.
    static let journalName = "journal.jsonl"
    /// The snapshot's file name.
    static let snapshotName = "snapshot.jsonl"
    /// What temporary file names contain after the name of the file they will replace.
    static let temporaryMarker = ".tmp-"

    /// A fresh temporary path next to `path`, named after this process so others can tell whether its
    /// writer is alive.
    func temporary(for path: String) -> String {
        path + Self.temporaryMarker + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The process id a temporary file name carries, if it is one of ours.
    static func temporaryOwner(_ name: String) -> Int32? {
        guard name.hasPrefix(journalName + temporaryMarker) || name.hasPrefix(snapshotName + temporaryMarker),
            let marker = name.range(of: temporaryMarker)
        else { return nil }
        return Int32(name[marker.upperBound...].prefix { $0 != "-" })
    }
}
