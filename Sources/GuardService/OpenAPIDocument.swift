/// The OpenAPI 3.1 description served at `/openapi.json`. Kept in code (not a bundle resource) so that the binary
/// alone is the whole server; a test validates it and checks that it lists every route.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Rampart",
        "version": "0.1.0",
        "description": "Safety-guard inference server: harmfulness scores (P(unsafe)) for prompts and prompt/response pairs.",
        "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}
      },
      "servers": [{"url": "http://127.0.0.1:8080"}],
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "Required only when the server is started with API keys."}},
        "schemas": {
          "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["message", "type", "code"], "properties": {
              "message": {"type": "string"}, "type": {"type": "string"}, "code": {"type": "string"}}}}
          },
          "ScorePair": {
            "type": "object",
            "description": "A prompt (with optional response), or a conversation (messages) instead.",
            "properties": {"prompt": {"type": "string"}, "response": {"type": "string", "description": "Omit to score the prompt alone."},
              "messages": {"$ref": "#/components/schemas/Messages"}}
          },
          "ChatMessage": {
            "type": "object",
            "required": ["role", "content"],
            "properties": {
              "role": {"type": "string", "enum": ["system", "developer", "user", "assistant", "tool"]},
              "content": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "object", "required": ["type", "text"], "properties": {"type": {"const": "text"}, "text": {"type": "string"}}}}],
                "description": "Text, or text parts (joined by newlines); other part types are refused (422)."}
            }
          },
          "Messages": {
            "type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/ChatMessage"},
            "description": "An OpenAI-format conversation; its last turn is judged in context, as Llama Guard does. Last from the assistant: it is the response and the closest user turn before it the prompt. Last from the user: it is judged as a prompt. The other turns are context, read before the prompt as 'role: text' blocks only as far as the judged text leaves room in the window (nearest turns first). The last message must be from the user or the assistant (422 otherwise)."
          },
          "Span": {"type": "object", "required": ["start", "end"], "properties": {"start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0}}},
          "Explanation": {
            "type": "object",
            "required": ["windows"],
            "description": "Every scored window's P(unsafe) and the characters it read. Offsets are Unicode code points (Python string indices, JavaScript Array.from indices), half-open, exact to the token (WordPiece) or to the word (Unigram, BPE).",
            "properties": {
              "windows": {"type": "array", "items": {"type": "object", "properties": {
                "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "P(unsafe) of this window; absent when its forward pass failed."},
                "prompt": {"$ref": "#/components/schemas/Span"},
                "response": {"$ref": "#/components/schemas/Span"},
                "messages": {"type": "array", "description": "For messages requests: the stretches of message texts this window read.", "items": {"type": "object", "required": ["index", "start", "end"], "properties": {
                  "index": {"type": "integer"}, "start": {"type": "integer"}, "end": {"type": "integer"}}}},
                "components": {"type": "object", "additionalProperties": {"type": "number"}, "description": "Multi-head models: this window's components."},
                "category_scores": {"type": "object", "additionalProperties": {"type": "number"}, "description": "Multi-head models: this window's category probabilities."}
              }}},
              "prompt_message": {"type": "integer", "description": "For messages requests: the message judged as the prompt."},
              "response_message": {"type": "integer", "description": "For messages requests: the message judged as the response."}
            }
          },
          "ScoreRequest": {
            "type": "object",
            "description": "One pair (prompt, optional response), one conversation (messages), or a batch (inputs).",
            "properties": {
              "prompt": {"type": "string"},
              "response": {"type": "string"},
              "messages": {"$ref": "#/components/schemas/Messages"},
              "explain": {"type": "boolean", "description": "Add an explanation per result: every window's score and the characters it read."},
              "inputs": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/ScorePair"}},
              "threshold": {"type": "number", "minimum": 0, "maximum": 1, "description": "Overrides the flag threshold for this request."},
              "acd": {"type": "boolean", "description": "Add adversarial-contrastive-decoding evidence per result (needs --causal-model; 400 acd_not_configured otherwise)."}
            }
          },
          "ACDScore": {
            "type": "object",
            "required": ["evidence", "probability", "combined", "decision"],
            "properties": {
              "evidence": {"type": ["number", "null"], "description": "Mean per-token log-likelihood of the response under the adversarial minus the safeguarding system prompt (nats); null for prompt-only inputs."},
              "probability": {"type": ["number", "null"], "description": "Calibrated P(harmful) from evidence."},
              "combined": {"type": "number", "description": "Decision score under --acd-decision (classifier, max or mean)."},
              "decision": {"type": "string", "enum": ["classifier", "max", "mean"]},
              "reason": {"type": "string"}
            }
          },
          "GenerateRequest": {
            "type": "object",
            "required": ["prompt"],
            "properties": {
              "prompt": {"type": "string", "minLength": 1},
              "max_tokens": {"type": "integer", "minimum": 1, "maximum": 1024, "default": 128},
              "temperature": {"type": "number", "minimum": 0, "maximum": 10, "default": 0, "description": "0 is greedy."},
              "top_p": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 1},
              "seed": {"type": "integer", "minimum": 0, "default": 0},
              "acd": {"oneOf": [{"type": "boolean"}, {"type": "object", "properties": {"alpha": {"type": "number", "minimum": 0, "maximum": 4}}}], "description": "Adversarial contrastive decoding; on (server default alpha) unless false."},
              "stream": {"type": "boolean", "default": false, "description": "Server-Sent Events: data: {token, text, id} per token, a final data: {finish_reason, ...}, then data: [DONE]."}
            }
          },
          "ChatCompletionRequest": {
            "type": "object",
            "required": ["messages"],
            "description": "OpenAI's chat format. In proxy mode (--upstream) the body is forwarded unchanged; with --causal-model the sampling fields below apply.",
            "properties": {
              "model": {"type": "string"},
              "messages": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["role"], "properties": {
                "role": {"type": "string", "enum": ["system", "developer", "user", "assistant", "tool"]},
                "content": {"oneOf": [{"type": "string"}, {"type": "null"}, {"type": "array", "items": {"type": "object", "properties": {"type": {"const": "text"}, "text": {"type": "string"}}}}]}}}},
              "stream": {"type": "boolean", "default": false},
              "stream_options": {"type": "object", "properties": {"include_usage": {"type": "boolean"}}},
              "max_tokens": {"type": "integer", "minimum": 1, "maximum": 1024, "default": 128},
              "max_completion_tokens": {"type": "integer", "minimum": 1, "maximum": 1024},
              "temperature": {"type": "number", "minimum": 0, "maximum": 10, "default": 0},
              "top_p": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 1},
              "seed": {"type": "integer", "minimum": 0},
              "n": {"type": "integer", "const": 1},
              "acd": {"oneOf": [{"type": "boolean"}, {"type": "object", "properties": {"alpha": {"type": "number", "minimum": 0, "maximum": 4}}}], "description": "Local model only: adversarial contrastive decoding, on unless false."}
            }
          },
          "ChatCompletion": {
            "type": "object",
            "required": ["id", "object", "created", "model", "choices"],
            "properties": {
              "id": {"type": "string"},
              "object": {"const": "chat.completion"},
              "created": {"type": "integer"},
              "model": {"type": "string"},
              "choices": {"type": "array", "items": {"type": "object", "properties": {
                "index": {"type": "integer"},
                "message": {"type": "object", "properties": {"role": {"const": "assistant"}, "content": {"type": "string"}}},
                "finish_reason": {"type": "string", "enum": ["stop", "length", "content_filter", "tool_calls"]}}}},
              "usage": {"type": "object", "properties": {"prompt_tokens": {"type": "integer"}, "completion_tokens": {"type": "integer"}, "total_tokens": {"type": "integer"}}},
              "rampart": {"type": "object", "description": "Proxy mode: the input and output rails' verdicts (the scorer's fields plus action, blocked, checks)."}
            }
          },
          "GenerateResponse": {
            "type": "object",
            "required": ["text", "tokens", "finish_reason", "model", "acd", "usage"],
            "properties": {
              "text": {"type": "string"},
              "tokens": {"type": "integer"},
              "finish_reason": {"type": "string", "enum": ["stop", "length"]},
              "model": {"type": "string"},
              "acd": {"oneOf": [{"type": "null"}, {"type": "object", "properties": {"alpha": {"type": "number"}, "soft_prompts": {"type": "boolean"}}}]},
              "usage": {"type": "object", "properties": {"prompt_tokens": {"type": "integer"}, "completion_tokens": {"type": "integer"}}}
            }
          },
          "ScoreResult": {
            "type": "object",
            "required": ["score", "flagged", "threshold", "truncated", "tokens", "windows", "labels", "degraded"],
            "properties": {
              "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "P(unsafe), maximum over windows."},
              "flagged": {"type": "boolean"},
              "threshold": {"type": "number"},
              "truncated": {"type": "boolean", "description": "True when some input tokens were not seen by the model."},
              "tokens": {"type": "integer"},
              "windows": {"type": "integer"},
              "labels": {"type": "object", "additionalProperties": {"type": "number"}},
              "degraded": {"type": "boolean", "description": "True when the model failed and the failure policy decided."},
              "model": {"type": "string"},
              "components": {"type": "object", "additionalProperties": {"type": "number"}, "description": "Multi-head models: prompt_harm, and for pairs compliance and response_harm, from the deciding window."},
              "categories": {"type": "array", "items": {"type": "string"}, "description": "Multi-head models: categories reported true (none unless flagged)."},
              "category_scores": {"type": "object", "additionalProperties": {"type": "number"}, "description": "Multi-head models: each category's probability, maximum over windows."},
              "acd": {"$ref": "#/components/schemas/ACDScore"},
              "explanation": {"$ref": "#/components/schemas/Explanation"}
            }
          },
          "ScoreBatchResponse": {
            "type": "object",
            "required": ["results", "model"],
            "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/ScoreResult"}}, "model": {"type": "string"}}
          },
          "ModerationRequest": {
            "type": "object",
            "required": ["input"],
            "properties": {
              "model": {"type": "string"},
              "input": {"oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}},
                {"type": "array", "items": {"type": "object", "required": ["type", "text"], "properties": {"type": {"const": "text"}, "text": {"type": "string"}}}}
              ]}
            }
          },
          "ModerationResponse": {
            "type": "object",
            "required": ["id", "model", "results"],
            "properties": {
              "id": {"type": "string"},
              "model": {"type": "string"},
              "results": {"type": "array", "items": {"type": "object", "required": ["flagged", "categories", "category_scores", "category_applied_input_types"], "properties": {
                "flagged": {"type": "boolean"},
                "categories": {"type": "object", "additionalProperties": {"type": "boolean"}},
                "category_scores": {"type": "object", "additionalProperties": {"type": "number"}},
                "category_applied_input_types": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                "rampart_score": {"type": "number"},
                "rampart_threshold": {"type": "number"},
                "rampart_truncated": {"type": "boolean"}
              }}}
            }
          },
          "ModelList": {
            "type": "object",
            "required": ["object", "data"],
            "properties": {"object": {"const": "list"}, "data": {"type": "array", "items": {"type": "object", "required": ["id", "object"], "properties": {
              "id": {"type": "string"}, "object": {"const": "model"}, "created": {"type": "integer"}, "owned_by": {"type": "string"},
              "labels": {"type": "array", "items": {"type": "string"}}, "max_length": {"type": "integer"}, "threshold": {"type": "number"}, "pair_threshold": {"type": "number"}, "components": {"type": "array", "items": {"type": "string"}}, "categories": {"type": "array", "items": {"type": "string"}}, "category_thresholds": {"type": "object", "additionalProperties": {"type": "number"}}}}}}
          }
        },
        "responses": {
          "BadRequest": {"description": "Malformed JSON, invalid UTF-8 or a field of the wrong type.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unauthorized": {"description": "Missing or invalid API key.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unprocessable": {"description": "Valid JSON that cannot be scored (missing field, value out of range).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Overloaded": {"description": "The scoring queue is full; see Retry-After.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "NotReady": {"description": "The model is still loading, or scoring timed out.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      },
      "paths": {
        "/v1/generate": {"post": {
          "summary": "Generate a reply with the causal model, with adversarial contrastive decoding by default (needs --causal-model).",
          "operationId": "generate",
          "security": [{}, {"bearer": []}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GenerateRequest"}}}},
          "responses": {
            "200": {"description": "The generated text (JSON), or a text/event-stream when stream is true.", "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/GenerateResponse"}},
              "text/event-stream": {"schema": {"type": "string"}}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "422": {"$ref": "#/components/responses/Unprocessable"},
            "429": {"$ref": "#/components/responses/Overloaded"},
            "503": {"$ref": "#/components/responses/NotReady"}
          }
        }},
        "/v1/chat/completions": {"post": {
          "summary": "OpenAI chat completions: forwarded through the guard rails (--upstream) or generated by the causal model (--causal-model).",
          "operationId": "createChatCompletion",
          "security": [{}, {"bearer": []}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChatCompletionRequest"}}}},
          "responses": {
            "200": {"description": "A chat.completion, or a text/event-stream of chat.completion.chunk events ending in data: [DONE] when stream is true. A blocked exchange ends with finish_reason content_filter.", "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/ChatCompletion"}},
              "text/event-stream": {"schema": {"type": "string"}}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "422": {"$ref": "#/components/responses/Unprocessable"},
            "429": {"$ref": "#/components/responses/Overloaded"},
            "502": {"description": "Proxy mode: the upstream is unreachable or answered with something that is not a valid OpenAI response.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "503": {"$ref": "#/components/responses/NotReady"},
            "504": {"description": "Proxy mode: the upstream did not connect or went silent for too long.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
          }
        }},
        "/v1/score": {"post": {
          "summary": "Score a prompt, a prompt/response pair, a conversation, or a batch of them.",
          "operationId": "score",
          "security": [{}, {"bearer": []}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScoreRequest"}}}},
          "responses": {
            "200": {"description": "One result (single form) or results in input order (batch form).", "content": {"application/json": {"schema": {"oneOf": [
              {"$ref": "#/components/schemas/ScoreResult"}, {"$ref": "#/components/schemas/ScoreBatchResponse"}]}}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "422": {"$ref": "#/components/responses/Unprocessable"},
            "429": {"$ref": "#/components/responses/Overloaded"},
            "503": {"$ref": "#/components/responses/NotReady"}
          }
        }},
        "/v1/moderations": {"post": {
          "summary": "OpenAI-compatible moderation.",
          "operationId": "createModeration",
          "security": [{}, {"bearer": []}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ModerationRequest"}}}},
          "responses": {
            "200": {"description": "One result per input string (one for an array of content parts).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ModerationResponse"}}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "422": {"$ref": "#/components/responses/Unprocessable"},
            "429": {"$ref": "#/components/responses/Overloaded"},
            "503": {"$ref": "#/components/responses/NotReady"}
          }
        }},
        "/v1/models": {"get": {
          "summary": "The served guard model.",
          "operationId": "listModels",
          "security": [{}, {"bearer": []}],
          "responses": {
            "200": {"description": "The model list.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ModelList"}}}},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "503": {"$ref": "#/components/responses/NotReady"}
          }
        }},
        "/": {"get": {
          "summary": "The playground: a page to score a prompt and response or a conversation and see the windows as a heat map.",
          "operationId": "playground",
          "responses": {"200": {"description": "A self-contained HTML page.", "content": {"text/html": {"schema": {"type": "string"}}}}}
        }},
        "/health": {"get": {
          "summary": "Liveness: the process serves HTTP.",
          "operationId": "health",
          "responses": {"200": {"description": "Alive.", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"const": "ok"}}}}}}}
        }},
        "/ready": {"get": {
          "summary": "Readiness: the model is loaded and warmed up.",
          "operationId": "ready",
          "responses": {
            "200": {"description": "Ready.", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"const": "ready"}, "model": {"type": "string"}}}}}},
            "503": {"description": "Still loading.", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"const": "loading"}}}}}}
          }
        }},
        "/metrics": {"get": {
          "summary": "Prometheus metrics (text exposition format).",
          "operationId": "metrics",
          "responses": {"200": {"description": "Metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
        }},
        "/openapi.json": {"get": {
          "summary": "This document.",
          "operationId": "openapi",
          "responses": {"200": {"description": "OpenAPI 3.1 document.", "content": {"application/json": {"schema": {"type": "object"}}}}}
        }}
      }
    }
    """#
}
