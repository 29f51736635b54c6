import Foundation

/// A named, time-limited lock held by one owner (for example "one scheduler per store").
public struct Lease: Sendable, Hashable, Codable {
    /// What is locked.
    public var name: String
    /// Who holds it.
    public var owner: String
    /// When it ends unless renewed.
    public var expiresAt: Date
    /// A number that grows with every new acquisition of this name, so holders can detect that
    /// somebody else held the lease in between (a fencing token).
    public var fencingToken: UInt64

    /// Creates a lease value.
    /// - Parameters:
    ///   - name: What is locked.
    ///   - owner: Who holds it.
    ///   - expiresAt: When it ends unless renewed.
    ///   - fencingToken: The acquisition counter.
    public init(name: String, owner: String, expiresAt: Date, fencingToken: UInt64) {
        self.name = name
        self.owner = owner
        self.expiresAt = expiresAt
        self.fencingToken = fencingToken
    }

    private enum CodingKeys: String, CodingKey { case name, owner, expiresAt, fencingToken }

    /// Decodes a lease with an ISO-8601 expiry.
    /// - Throws: `DecodingError` for a missing field or a bad timestamp.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        owner = try container.decode(String.self, forKey: .owner)
        let text = try container.decode(String.self, forKey: .expiresAt)
        guard let date = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .expiresAt, in: container, debugDescription: "\"\(text)\" is not an ISO-8601 timestamp")
        }
        expiresAt = date
        fencingToken = try container.decode(UInt64.self, forKey: .fencingToken)
    }

    /// Encodes the lease with an ISO-8601 expiry.
    /// - Throws: Whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(owner, forKey: .owner)
        try container.encode(Timestamp.format(expiresAt), forKey: .expiresAt)
        try container.encode(fencingToken, forKey: .fencingToken)
    }
}
