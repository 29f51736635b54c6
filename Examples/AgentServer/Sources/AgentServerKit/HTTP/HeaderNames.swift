import HTTPTypes

extension HTTPField.Name {
    /// `Idempotency-Key`: a run trigger with a key that already succeeded answers that run instead of running again.
    // The literal is a valid token, so the initializer cannot fail.
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    /// `X-Next-Cursor`: the cursor of the CSV export's next page.
    // The literal is a valid token, so the initializer cannot fail.
    static let nextCursor = HTTPField.Name("X-Next-Cursor")!
}
