import AgentCore
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A line of a store file after parsing.
struct ScannedLine: Sendable {
    /// Where the line starts in the file.
    var offset: Int64
    /// Its length without the line feed.
    var length: Int
    /// Its 1-based number in the file.
    var number: Int
    /// The parsed entry, the reason it could not be parsed, or `nil` for a blank line.
    var outcome: Result<ParsedEntry, JSONScanError>?
    /// The raw bytes of a line that could not be parsed (for the quarantine file).
    var text: [UInt8]
}

/// Reads the complete lines of a range of a store file in large chunks, parses them on every core, and
/// hands them over in file order.
enum LineReader {
    /// The size of one read.
    static let chunkSize = 8 << 20
    /// Below this many bytes a chunk is parsed on one thread.
    static let parallelThreshold = 1 << 20

    /// What was read.
    struct Result: Sendable {
        /// The offset after the last complete line.
        var end: Int64
        /// How many complete lines were read.
        var lineCount: Int
        /// Bytes after the last line feed: a line whose end was never written.
        var tail: [UInt8]
    }

    /// Reads `[start, end)` of a file.
    /// - Parameters:
    ///   - file: The file.
    ///   - start: The first byte (the start of a line).
    ///   - end: Where to stop (normally the file size).
    ///   - firstLineNumber: The number of the line at `start`.
    ///   - decoding: How much of run records to decode.
    ///   - consume: Receives every complete line in order.
    /// - Throws: ``StoreError`` from reading or from `consume`.
    static func read(
        _ file: StoreFile, from start: Int64, to end: Int64, firstLineNumber: Int,
        decoding: ParsedEntry.RecordDecoding, consume: (ScannedLine) throws(StoreError) -> Void
    ) throws(StoreError) -> Result {
        var position = start
        var number = firstLineNumber
        var size = chunkSize
        while position < end {
            let want = Int(min(Int64(size), end - position))
            let bytes = try file.read(count: want, at: position)
            let reachedEnd = bytes.count < want || position + Int64(bytes.count) >= end
            guard let lastNewline = bytes.lastIndex(of: 0x0A) else {
                if reachedEnd { return Result(end: position, lineCount: number - firstLineNumber, tail: bytes) }
                size *= 2
                continue
            }
            let complete = lastNewline + 1
            for var line in parse(bytes, count: complete, base: position, decoding: decoding) {
                line.number = number
                number += 1
                try consume(line)
            }
            position += Int64(complete)
            if reachedEnd && complete < bytes.count {
                return Result(
                    end: position, lineCount: number - firstLineNumber, tail: Array(bytes[complete...]))
            }
            if bytes.count < want { break }
        }
        return Result(end: position, lineCount: number - firstLineNumber, tail: [])
    }

    /// Counts the line feeds in `[0, end)` of a file.
    static func countLines(_ file: StoreFile, to end: Int64) throws(StoreError) -> Int {
        var position: Int64 = 0
        var count = 0
        while position < end {
            let bytes = try file.read(count: Int(min(Int64(chunkSize), end - position)), at: position)
            if bytes.isEmpty { break }
            count += bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            position += Int64(bytes.count)
        }
        return count
    }

    /// Parses the lines of `bytes[0..<count]` (which ends with a line feed), in parallel when large.
    static func parse(
        _ bytes: [UInt8], count: Int, base: Int64, decoding: ParsedEntry.RecordDecoding
    ) -> [ScannedLine] {
        let parts = split(bytes, count: count)
        if parts.count == 1 { return parse(bytes, part: parts[0], base: base, decoding: decoding) }
        let results = Mutex([[ScannedLine]](repeating: [], count: parts.count))
        DispatchQueue.concurrentPerform(iterations: parts.count) { index in
            let lines = parse(bytes, part: parts[index], base: base, decoding: decoding)
            results.withLock { $0[index] = lines }
        }
        return results.withLock { parsed in
            var all: [ScannedLine] = []
            all.reserveCapacity(parsed.reduce(0) { $0 + $1.count })
            for part in parsed { all.append(contentsOf: part) }
            return all
        }
    }

    private static func split(_ bytes: [UInt8], count: Int) -> [Range<Int>] {
        let workers = min(8, ProcessInfo.processInfo.activeProcessorCount)
        guard count >= parallelThreshold, workers > 1 else { return [0..<count] }
        var parts: [Range<Int>] = []
        var start = 0
        for worker in 1..<workers {
            var cut = count * worker / workers
            while cut < count, bytes[cut - 1] != 0x0A { cut += 1 }
            if cut > start, cut < count {
                parts.append(start..<cut)
                start = cut
            }
        }
        parts.append(start..<count)
        return parts
    }

    private static func parse(
        _ bytes: [UInt8], part: Range<Int>, base: Int64, decoding: ParsedEntry.RecordDecoding
    ) -> [ScannedLine] {
        bytes.withUnsafeBufferPointer { buffer in
            var lines: [ScannedLine] = []
            lines.reserveCapacity(part.count / 256)
            guard let address = buffer.baseAddress else { return lines }
            var lineStart = part.lowerBound
            while lineStart < part.upperBound {
                let newline: Int
                if let found = memchr(address + lineStart, 0x0A, part.upperBound - lineStart) {
                    newline = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - address
                } else {
                    newline = part.upperBound
                }
                let line = UnsafeBufferPointer(rebasing: buffer[lineStart..<newline])
                var scanned = ScannedLine(
                    offset: base + Int64(lineStart), length: line.count, number: 0, outcome: nil, text: [])
                if !isBlank(line) {
                    do throws(JSONScanError) {
                        scanned.outcome = .success(try ParsedEntry.parse(line, decodeRecord: decoding))
                    } catch {
                        scanned.outcome = .failure(error)
                        scanned.text = Array(line)
                    }
                }
                lines.append(scanned)
                lineStart = newline + 1
            }
            return lines
        }
    }

    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
