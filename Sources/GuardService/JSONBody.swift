import Foundation
import HTTPServer

/// JSON in and out: strict request decoding with clear messages, and JSON responses.
enum JSONBody {
    /// Decodes a request body: the media type must be JSON (or absent), the bytes valid UTF-8, the document valid
    /// JSON of the expected shape. Syntax, encoding and type errors are 400; a missing field is 422.
    static func decode<T: Decodable>(_ type: T.Type, from request: HTTPRequest) throws(APIError) -> T {
        if let contentType = request.headers["Content-Type"], !isJSON(contentType) {
            throw .unsupportedMediaType(contentType)
        }
        guard !request.body.isEmpty else { throw .badRequest("the request body is empty; send a JSON object") }
        guard String(validating: request.body, as: UTF8.self) != nil else {
            throw .badRequest("the request body is not valid UTF-8", code: "invalid_utf8")
        }
        do {
            return try decodeAllowingUnderflow(T.self, from: request.body)
        } catch let error as APIError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw .unprocessable("\(path(context.codingPath + [key])) is required", code: "missing_field")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw .badRequest("\(path(context.codingPath)) must be \(describe(expected))", code: "invalid_type")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw .badRequest("\(path(context.codingPath)) must be \(describe(expected)), not null", code: "invalid_type")
        } catch {
            throw .badRequest("the request body is not valid JSON")
        }
    }

    /// `JSONDecoder.decode`, except that numbers too small for a Double read as (signed) zero.
    ///
    /// Foundation's JSONDecoder rejects a number whose magnitude underflows (`1e-999999999`, even
    /// `1e-400`) as "not valid JSON", although RFC 8259 §6 grammar allows any exponent and its value
    /// is 0 to double precision. JSONSerialization reads those numbers as ±0, so on a syntax error the
    /// document is read by JSONSerialization and, if that succeeds, re-encoded and decoded again.
    /// Numbers too large for a Double (`1e999`) still fail: JSONSerialization refuses them too.
    static func decodeAllowingUnderflow<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
                  let normalized = try? JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed])
            else { throw DecodingError.dataCorrupted(context) }
            return try JSONDecoder().decode(T.self, from: normalized)
        }
    }

    /// `application/json`, `application/<x>+json`, with or without parameters.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first?
            .trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "the body" }
        var result = ""
        for key in codingPath {
            if let index = key.intValue { result += "[\(index)]" } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return "field \"\(result)\""
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Double.Type, is Float.Type, is Int.Type: return "a number"
        case is Bool.Type: return "a boolean"
        case is [Any].Type: return "an array"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a value of another type"
        }
    }
}

/// Builders for JSON responses. Encoding failures are thrown, never papered over: the caller logs
/// them and answers 500 (see `GuardService.json(_:status:)`).
enum JSONResponse {
    /// Why a response body could not be encoded (e.g. a NaN where a number belongs).
    struct EncodingFailure: Error, CustomStringConvertible {
        var typeName: String
        var reason: String
        var description: String { "cannot encode \(typeName) as JSON: \(reason)" }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    /// The body of a 500, pre-encoded: what `APIError.response()` answers if even an error body
    /// could not be encoded.
    static let internalErrorBody = Data(
        #"{"error":{"code":"internal_error","message":"internal error; see the server log","type":"server_error"}}"#.utf8)

    static func make(status: HTTPStatus = .ok, encoding value: some Encodable) throws(EncodingFailure) -> HTTPResponse {
        do {
            return make(status: status, body: try encoder.encode(value))
        } catch {
            throw EncodingFailure(typeName: "\(type(of: value))", reason: "\(error)")
        }
    }

    static func make(status: HTTPStatus, body: Data) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return HTTPResponse(status: status, headers: headers, body: body)
    }
}
