import AgentCore

extension RunEvent.Kind {
    /// A webhook notification was delivered (``AgentCore/NotificationDeliveryDetails``: host, format, attempts, status code).
    public static let notificationSent = RunEvent.Kind(rawValue: "notificationSent")
    /// A webhook notification was given up after its attempts, or its delivery time could not be stored
    /// (``AgentCore/NotificationDeliveryDetails``; the status code when the server answered).
    public static let notificationFailed = RunEvent.Kind(rawValue: "notificationFailed")
}
