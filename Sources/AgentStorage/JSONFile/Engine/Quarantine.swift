import AgentCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bytes of a store file that could not be read, with where they came from.
struct QuarantineEntry: Sendable, Hashable {
    /// The file's name within the store directory.
    var file: String
    /// The file's compaction generation.
    var generation: UInt64
    /// The 1-based line number, or 0 for a torn tail.
    var lineNumber: Int
    /// Where the bytes start.
    var offset: Int64
    /// Why they were set aside.
    var reason: String
    /// The bytes.
    var bytes: [UInt8]
}

/// The quarantine file: one JSON line per set-aside line, never rewritten, so no byte a store file
/// held is ever lost.
///
/// ```
/// {"foundAt":"…","file":"journal.jsonl","generation":2,"line":17,"offset":4242,"reason":"…","text":"…","base64":"…"}
/// ```
enum Quarantine {
    /// Appends entries that are not in the file yet (the same file, generation and offset are recorded
    /// once, however often the store is opened).
    /// - Throws: ``StoreError`` with `io`.
    static func append(_ entries: [QuarantineEntry], at path: String, now: Date, fileSystem: any StoreFileSystem)
        throws(StoreError)
    {
        guard !entries.isEmpty else { return }
        let file = try StoreFile(path: path, flags: O_RDWR | O_CREAT, fileSystem: fileSystem)
        let size = try file.status().size
        let known = try existingKeys(file, size: size)
        var writer = JSONByteWriter(capacity: 4096)
        for entry in entries where !known.contains(key(entry.file, entry.generation, entry.offset)) {
            writer.byte(0x7B)
            writer.key("foundAt")
            writer.timestamp(now)
            writer.nextKey("file")
            writer.string(entry.file)
            writer.nextKey("generation")
            writer.integer(entry.generation)
            writer.nextKey("line")
            writer.integer(entry.lineNumber)
            writer.nextKey("offset")
            writer.integer(entry.offset)
            writer.nextKey("reason")
            writer.string(entry.reason)
            writer.nextKey("text")
            writer.string(String(decoding: entry.bytes, as: UTF8.self))
            writer.nextKey("base64")
            writer.string(Data(entry.bytes).base64EncodedString())
            writer.raw("}\n")
        }
        guard writer.count > 0 else { return }
        try file.write(writer.bytes, at: size)
        try file.synchronizeData()
    }

    private static func key(_ file: String, _ generation: UInt64, _ offset: Int64) -> String {
        "\(file)#\(generation)@\(offset)"
    }

    private static func existingKeys(_ file: StoreFile, size: Int64) throws(StoreError) -> Set<String> {
        var keys = Set<String>()
        let bytes = try file.read(count: Int(size), at: 0)
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            for index in 0..<buffer.count where buffer[index] == 0x0A {
                var scanner = JSONScanner(UnsafeBufferPointer(rebasing: buffer[start..<index]))
                start = index + 1
                guard case .object(let fields)? = try? scanner.value(), let name = fields["file"]?.stringValue,
                    case .integer(let generation)? = fields["generation"], case .integer(let offset)? = fields["offset"]
                else { continue }
                keys.insert(key(name, UInt64(max(0, generation)), offset))
            }
        }
        return keys
    }
}
