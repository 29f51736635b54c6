import Hummingbird

/// The dashboard: one HTML page, its style sheet and script, embedded in the binary and served at `/`,
/// `/dashboard.css` and `/dashboard.js`. Nothing is fetched from the internet. The page asks for a token when the
/// server requires one, and shows only the actions the token's role allows.
struct DashboardController {
    /// Adds the routes.
    func register(on router: Router<ServerRequestContext>) {
        router.get("/") { _, _ in Self.file(DashboardPage.html, type: "text/html; charset=utf-8") }
        router.get("dashboard.css") { _, _ in Self.file(DashboardStyle.css, type: "text/css; charset=utf-8") }
        router.get("dashboard.js") { _, _ in
            Self.file(DashboardScript.javascript, type: "text/javascript; charset=utf-8")
        }
    }

    private static func file(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .cacheControl: "no-cache",
                .contentSecurityPolicy: "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
