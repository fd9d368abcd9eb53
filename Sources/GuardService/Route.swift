import HTTPServer

/// The API's routes, the methods each accepts, and which need an API key.
enum Route: String, Sendable, CaseIterable {
    /// The playground page (`PlaygroundPage`).
    case playground = "/"
    case health = "/health"
    case ready = "/ready"
    case metrics = "/metrics"
    case openAPI = "/openapi.json"
    case models = "/v1/models"
    case score = "/v1/score"
    case moderations = "/v1/moderations"
    case generate = "/v1/generate"
    case chatCompletions = "/v1/chat/completions"

    static func match(_ path: String) -> Route? {
        // A trailing slash names the same resource.
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        return Route(rawValue: trimmed)
    }

    var methods: [HTTPMethod] {
        switch self {
        case .playground, .health, .ready, .metrics, .openAPI, .models: return [.get, .head]
        case .score, .moderations, .generate, .chatCompletions: return [.post]
        }
    }

    /// Probes, metrics, the API description and the playground page stay open so that orchestrators and scrapers
    /// need no key (the page asks for one and sends it with its `/v1/score` calls).
    var requiresAuthentication: Bool {
        switch self {
        case .playground, .health, .ready, .metrics, .openAPI: return false
        case .models, .score, .moderations, .generate, .chatCompletions: return true
        }
    }
}
