import Hummingbird

extension Parameters {
    /// Refuses a query parameter the endpoint does not take (`access_token` is always allowed: browsers send the
    /// token there).
    /// - Parameter known: The parameters the endpoint takes.
    /// - Throws: ``APIError`` 400 naming the unknown parameter and listing the known ones.
    func requireOnly(_ known: Set<String>) throws(APIError) {
        for (key, _) in self where !known.contains(String(key)) && key != "access_token" {
            let allowed = known.isEmpty ? "this endpoint takes none" : "use " + known.sorted().joined(separator: ", ")
            throw APIError.invalid(String(key), "unknown query parameter; \(allowed)")
        }
    }

    /// The `limit` parameter: a page size from 1 to `maximum`, or `defaultLimit` when it is absent.
    /// - Parameters:
    ///   - defaultLimit: The page size without the parameter.
    ///   - maximum: The largest page size allowed.
    /// - Returns: The page size.
    /// - Throws: ``APIError`` 400 for `limit` that is not a whole number in range.
    func limit(default defaultLimit: Int, maximum: Int) throws(APIError) -> Int {
        guard let text = get("limit") else { return defaultLimit }
        guard let limit = Int(text), (1...maximum).contains(limit) else {
            throw APIError.invalid("limit", "\"\(text)\" is not a page size; use a whole number from 1 to \(maximum)")
        }
        return limit
    }
}
