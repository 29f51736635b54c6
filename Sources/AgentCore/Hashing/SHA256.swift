/// A self-contained SHA-256 (FIPS 180-4) used to derive idempotency keys.
///
/// The digest is stable across processes, platforms and releases, unlike Swift's `Hasher`, which is
/// seeded randomly per process. The hasher is a plain value (eight state words, one 64-byte block
/// buffer and a length): feeding it contiguous bytes allocates nothing, so a short message costs little
/// more than the compression of its blocks (about 0.15 µs per 64-byte block on a 2.6 GHz x86-64 core).
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update("abc".utf8)
/// let digest = hasher.finalize()  // 32 bytes, ba 78 16 bf …
/// ```
package struct SHA256: Sendable {
    /// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// The eight chaining words H0…H7.
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// The bytes of the block being filled (only the first `pendingCount` are meaningful).
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    /// How many bytes of `pending` are filled, 0–63.
    private var pendingCount = 0
    /// The message length so far, in bytes.
    private var totalLength: UInt64 = 0

    /// Creates a hasher with the standard initial state.
    package init() {}

    /// Feeds bytes into the hash.
    ///
    /// Contiguous sequences (arrays, native strings' `utf8` views, buffers) are hashed in place; any other
    /// sequence is copied into an array first.
    /// - Parameter bytes: The next bytes of the message.
    package mutating func update(_ bytes: some Sequence<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update($0) }
        }
    }

    /// Feeds the bytes of a buffer into the hash.
    ///
    /// Whole 64-byte blocks are compressed straight from the buffer; only a partial block is copied.
    /// - Parameter bytes: The next bytes of the message.
    /// - Complexity: O(*n*) in the number of bytes, without allocating.
    @inline(__always)
    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        // The common case: a short piece that leaves the block unfinished.
        let start = pendingCount
        let count = bytes.count
        guard count < 64 - start else { return updateAcrossBlocks(bytes) }
        withUnsafeMutableBytes(of: &pending) { block in
            UnsafeMutableRawBufferPointer(rebasing: block[start..<(start + count)]).copyMemory(from: bytes)
        }
        pendingCount = start + count
        totalLength &+= UInt64(count)
    }

    /// Feeds bytes that fill the pending block, compressing every block they complete.
    private mutating func updateAcrossBlocks(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        totalLength &+= UInt64(bytes.count)
        var offset = 0
        if pendingCount > 0 {
            let take = min(64 - pendingCount, bytes.count)
            let start = pendingCount
            withUnsafeMutableBytes(of: &pending) { block in
                UnsafeMutableRawBufferPointer(rebasing: block[start..<(start + take)])
                    .copyMemory(from: UnsafeRawBufferPointer(start: source, count: take))
            }
            pendingCount += take
            offset = take
            guard pendingCount == 64 else { return }
            compressPending()
            pendingCount = 0
        }
        while bytes.count - offset >= 64 {
            Self.compress(&state, block: source + offset)
            offset += 64
        }
        let rest = bytes.count - offset
        if rest > 0 {
            withUnsafeMutableBytes(of: &pending) { block in
                UnsafeMutableRawBufferPointer(rebasing: block[0..<rest])
                    .copyMemory(from: UnsafeRawBufferPointer(start: source + offset, count: rest))
            }
            pendingCount = rest
        }
    }

    /// Finishes the hash and returns the 32-byte digest.
    /// - Returns: The digest bytes, most significant first.
    package consuming func finalize() -> [UInt8] {
        finish()
        return [UInt8](unsafeUninitializedCapacity: 32) { digest, count in
            withUnsafeBytes(of: state) { words in
                for index in 0..<8 {
                    let word = words.load(fromByteOffset: index * 4, as: UInt32.self)
                    withUnsafeBytes(of: word.bigEndian) { bytes in
                        for byte in 0..<4 { digest[index * 4 + byte] = bytes[byte] }
                    }
                }
            }
            count = 32
        }
    }

    /// Finishes the hash and writes the digest as 64 lower-case hexadecimal digits.
    /// - Parameter text: Where the digits go; must hold at least 64 bytes.
    consuming func finalizeHex(into text: UnsafeMutableBufferPointer<UInt8>) {
        precondition(text.count >= 64, "a hexadecimal SHA-256 digest needs 64 bytes")
        finish()
        guard let base = text.baseAddress else { return }
        withUnsafeBytes(of: state) { words in
            for index in 0..<8 {
                let word = words.load(fromByteOffset: index * 4, as: UInt32.self)
                UnsafeMutableRawPointer(base + index * 8).storeBytes(
                    of: Self.hexDigits(of: word).bigEndian, as: UInt64.self)
            }
        }
    }

    /// The eight hexadecimal digits of a word as ASCII, the first digit in the most significant byte.
    ///
    /// The nibbles are spread one per byte, then each becomes `'0' + n`, plus 39 more (`'a' - '0' - 10`)
    /// when it is 10 or above; no byte carries into the next.
    @inline(__always)
    private static func hexDigits(of word: UInt32) -> UInt64 {
        var spread = UInt64(word)
        spread = (spread & 0xFFFF_0000) << 16 | (spread & 0x0000_FFFF)
        spread = (spread & 0x0000_FF00_0000_FF00) << 8 | (spread & 0x0000_00FF_0000_00FF)
        spread = (spread & 0x00F0_00F0_00F0_00F0) << 4 | (spread & 0x000F_000F_000F_000F)
        let letters = ((spread &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return spread &+ 0x3030_3030_3030_3030 &+ letters &* 39
    }

    /// Hashes a whole message at once.
    /// - Parameter bytes: The message.
    /// - Returns: The digest as 64 lower-case hexadecimal characters.
    package static func hexDigest(of bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return String(unsafeUninitializedCapacity: 64) { text in
            hasher.finalizeHex(into: text)
            return 64
        }
    }

    /// Appends the padding and the bit length (FIPS 180-4 §5.1.1) and compresses the last block or two,
    /// leaving the digest in `state`.
    private mutating func finish() {
        let bitLength = totalLength &* 8
        let used = pendingCount
        withUnsafeMutableBytes(of: &pending) { block in
            block[used] = 0x80
            for index in (used + 1)..<64 { block[index] = 0 }
        }
        if used >= 56 {
            compressPending()
            pending = (0, 0, 0, 0, 0, 0, 0, 0)
        }
        pending.7 = bitLength.bigEndian
        compressPending()
        pendingCount = 0
    }

    /// Compresses the full block held in `pending`.
    private mutating func compressPending() {
        // A copy, so that the block and the state are not both borrowed from `self` at once.
        var block = pending
        withUnsafeBytes(of: &block) { bytes in
            if let base = bytes.baseAddress { Self.compress(&state, block: base) }
        }
    }

    /// Applies the compression function to one 64-byte block.
    /// - Parameters:
    ///   - state: The chaining words, updated in place.
    ///   - block: The start of 64 readable bytes (any alignment).
    private static func compress(
        _ state: inout (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32), block: UnsafeRawPointer
    ) {
        func words(_ index: Int) -> SIMD4<UInt32> {
            SIMD4(
                UInt32(bigEndian: block.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)),
                UInt32(bigEndian: block.loadUnaligned(fromByteOffset: index * 4 + 4, as: UInt32.self)),
                UInt32(bigEndian: block.loadUnaligned(fromByteOffset: index * 4 + 8, as: UInt32.self)),
                UInt32(bigEndian: block.loadUnaligned(fromByteOffset: index * 4 + 12, as: UInt32.self)))
        }
        // The message schedule W[t] lives four words to a vector, x0 holding the words of the next four rounds
        // and x1…x3 the twelve after them. It is extended with vector instructions, four words ahead of the
        // rounds that use them, which leaves the scalar units (the bottleneck) to the rounds.
        var x0 = words(0)
        var x1 = words(4)
        var x2 = words(8)
        var x3 = words(12)
        var (a, b, c, d, e, f, g, h) = state
        roundConstants.withUnsafeBufferPointer { k in
            var index = 0
            while index < 64 {
                // W[index + 16…] exists only up to W[63]; after that the vectors just move down.
                var next = index < 48 ? extend(x0, x1, x2, x3) : x0
                var kw = x0 &+ SIMD4(k[index], k[index + 1], k[index + 2], k[index + 3])
                round(a, b, c, &d, e, f, g, &h, kw[0])
                round(h, a, b, &c, d, e, f, &g, kw[1])
                round(g, h, a, &b, c, d, e, &f, kw[2])
                round(f, g, h, &a, b, c, d, &e, kw[3])
                (x0, x1, x2, x3) = (x1, x2, x3, next)
                next = index < 44 ? extend(x0, x1, x2, x3) : x0
                kw = x0 &+ SIMD4(k[index + 4], k[index + 5], k[index + 6], k[index + 7])
                round(e, f, g, &h, a, b, c, &d, kw[0])
                round(d, e, f, &g, h, a, b, &c, kw[1])
                round(c, d, e, &f, g, h, a, &b, kw[2])
                round(b, c, d, &e, f, g, h, &a, kw[3])
                (x0, x1, x2, x3) = (x1, x2, x3, next)
                index += 8
            }
        }
        state.0 &+= a
        state.1 &+= b
        state.2 &+= c
        state.3 &+= d
        state.4 &+= e
        state.5 &+= f
        state.6 &+= g
        state.7 &+= h
    }

    /// The four schedule words after `x3`: W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16] for W[t…t+3],
    /// given W[t−16…t−1] in `x0`…`x3`. The last two need the first two, so σ1 is applied in two halves.
    @inline(__always)
    private static func extend(
        _ x0: SIMD4<UInt32>, _ x1: SIMD4<UInt32>, _ x2: SIMD4<UInt32>, _ x3: SIMD4<UInt32>
    ) -> SIMD4<UInt32> {
        let fifteenBack = SIMD4(x0[1], x0[2], x0[3], x1[0])
        let sevenBack = SIMD4(x2[1], x2[2], x2[3], x3[0])
        var next = x0 &+ smallSigma0(fifteenBack) &+ sevenBack
        next &+= smallSigma1(SIMD4(x3[2], x3[3], 0, 0))
        next &+= smallSigma1(SIMD4(0, 0, next[0], next[1]))
        return next
    }

    /// σ0 = ROTR⁷ ^ ROTR¹⁸ ^ SHR³ of each lane.
    @inline(__always)
    private static func smallSigma0(_ x: SIMD4<UInt32>) -> SIMD4<UInt32> {
        (x &>> 7 | x &<< 25) ^ (x &>> 18 | x &<< 14) ^ (x &>> 3)
    }

    /// σ1 = ROTR¹⁷ ^ ROTR¹⁹ ^ SHR¹⁰ of each lane (zero stays zero).
    @inline(__always)
    private static func smallSigma1(_ x: SIMD4<UInt32>) -> SIMD4<UInt32> {
        (x &>> 17 | x &<< 15) ^ (x &>> 19 | x &<< 13) ^ (x &>> 10)
    }

    /// One round of FIPS 180-4 §6.2.2 step 3, with the working variables renamed instead of shifted: the
    /// caller rotates the argument order, so only `d` (which receives `e`'s new value) and `h` (which receives
    /// `a`'s new value) change.
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32,
        _ h: inout UInt32, _ constantPlusWord: UInt32
    ) {
        let sum1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
        let choice = g ^ (e & (f ^ g))
        let temp1 = h &+ constantPlusWord &+ choice &+ sum1
        let sum0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
        let majority = (a & b) | (c & (a | b))
        d &+= temp1
        h = temp1 &+ sum0 &+ majority
    }

    @inline(__always)
    private static func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value >> count) | (value << (32 - count))
    }
}
