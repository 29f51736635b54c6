/// A query parameter holding one or more values of an enumeration separated by commas, such as
/// `status=failed,timedOut` or `state=approved,rejected`.
enum CommaSeparatedValues {
    /// Reads the values.
    /// - Parameters:
    ///   - text: The parameter as sent.
    ///   - field: Its name, for the error.
    ///   - kind: What one value is, with its article ("a run status"), for the error.
    /// - Returns: The values.
    /// - Throws: ``APIError`` 400 naming the first part that is not a value, and listing the values.
    static func parse<Value>(_ text: String, field: String, kind: String) throws(APIError) -> Set<Value>
    where Value: RawRepresentable & CaseIterable & Hashable, Value.RawValue == String {
        var values: Set<Value> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Value(rawValue: String(part)) else {
                throw APIError.invalid(
                    field,
                    "\"\(part)\" is not \(kind); use one or more of "
                        + Value.allCases.map(\.rawValue).joined(separator: ", ") + ", separated by commas")
            }
            values.insert(value)
        }
        return values
    }
}
