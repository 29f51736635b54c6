import Foundation

/// Replaces secret values with ``SubprocessEnvironment/redactionMarker`` in text and bytes.
///
/// Secrets are replaced longest first, so a secret that contains another one is replaced whole.
struct SecretRedactor: Sendable, Hashable {
    /// The secret values, longest first.
    let secrets: [String]
    private let secretBytes: [[UInt8]]
    private let marker: [UInt8]

    /// Creates a redactor.
    /// - Parameter secrets: The values to hide; empty ones are ignored.
    init(secrets: [String]) {
        let unique = Set(secrets.filter { !$0.isEmpty })
        self.secrets = unique.sorted { $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0 < $1 }
        self.secretBytes = self.secrets.map { Array($0.utf8) }
        self.marker = Array(SubprocessEnvironment.redactionMarker.utf8)
    }

    /// Whether there is nothing to hide.
    var isEmpty: Bool { secrets.isEmpty }

    /// How many trailing bytes a stream must hold back so a secret split across reads is still caught.
    var holdBack: Int { max(0, (secretBytes.first?.count ?? 0) - 1) }

    /// The text with every secret replaced.
    /// - Parameter text: Any text.
    /// - Returns: The redacted text.
    func redact(_ text: String) -> String {
        guard !isEmpty else { return text }
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: SubprocessEnvironment.redactionMarker)
        }
        return result
    }

    /// JSON text with every secret replaced, also where JSON escaping changed how the secret is spelled.
    /// - Parameter json: Text produced by `JSONEncoder`.
    /// - Returns: The redacted text.
    func redactJSON(_ json: String) -> String {
        guard !isEmpty else { return json }
        var forms = secrets
        let encoder = JSONEncoder()
        for secret in secrets {
            for formatting in [JSONEncoder.OutputFormatting.withoutEscapingSlashes, []] {
                encoder.outputFormatting = formatting
                if let data = try? encoder.encode(secret), let quoted = String(data: data, encoding: .utf8),
                    quoted.count >= 2
                {
                    forms.append(String(quoted.dropFirst().dropLast()))
                }
            }
        }
        return SecretRedactor(secrets: forms).redact(json)
    }

    /// Replaces every complete occurrence of a secret in a byte buffer.
    /// - Parameter bytes: The buffer, changed in place.
    func redact(bytes: inout [UInt8]) {
        for secret in secretBytes where bytes.count >= secret.count {
            guard let first = secret.first else { continue }
            var output: [UInt8] = []
            var index = 0
            var changed = false
            let last = bytes.count - secret.count
            while index < bytes.count {
                if index <= last, bytes[index] == first, bytes[index..<(index + secret.count)].elementsEqual(secret) {
                    if !changed {
                        output.reserveCapacity(bytes.count)
                        output.append(contentsOf: bytes[..<index])
                        changed = true
                    }
                    output.append(contentsOf: marker)
                    index += secret.count
                } else {
                    if changed { output.append(bytes[index]) }
                    index += 1
                }
            }
            if changed { bytes = output }
        }
    }
}
