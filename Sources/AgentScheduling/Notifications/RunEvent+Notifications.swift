import AgentCore

extension RunEvent.Kind {
    /// A webhook notification was delivered (metadata: `host`, `format`, `attempts`, `statusCode`).
    public static let notificationSent = RunEvent.Kind(rawValue: "notificationSent")
    /// A webhook notification was given up after its attempts, or its delivery time could not be stored
    /// (metadata: `host`, `format`, `attempts`, and `statusCode` when the server answered).
    public static let notificationFailed = RunEvent.Kind(rawValue: "notificationFailed")
}
