import Scoring

extension ScoreRequest {
    /// The inputs to score with, per input, the conversation layout (nil unless it came as `messages`), and whether
    /// the caller used the batch form. A request names exactly one of `messages`, `prompt` (with `response`) and
    /// `inputs`; a batch item names `messages` or `prompt`.
    func resolvedInputs() throws(APIError) -> (inputs: [ScoreInput], layouts: [Conversation.Layout?], isBatch: Bool) {
        if let messages {
            guard prompt == nil, response == nil, inputs == nil else {
                throw .unprocessable("send one of \"messages\", \"prompt\" (with optional \"response\") or \"inputs\"")
            }
            let conversation = try Conversation(messages, field: "messages")
            return ([conversation.input], [conversation.layout], false)
        }
        guard let inputs, inputs.contains(where: { $0.messages != nil }) else {
            let (inputs, isBatch) = try scoreInputs()
            return (inputs, Array(repeating: nil, count: inputs.count), isBatch)
        }
        guard prompt == nil, response == nil else {
            throw .unprocessable("send either \"prompt\" (with optional \"response\") or \"inputs\", not both")
        }
        var resolved: [ScoreInput] = []
        var layouts: [Conversation.Layout?] = []
        for (index, item) in inputs.enumerated() {
            if let messages = item.messages {
                guard item.prompt == nil, item.response == nil else {
                    throw .unprocessable("inputs[\(index)]: send \"messages\" or \"prompt\" (with optional "
                        + "\"response\"), not both")
                }
                let conversation = try Conversation(messages, field: "inputs[\(index)].messages")
                resolved.append(conversation.input)
                layouts.append(conversation.layout)
            } else {
                guard let prompt = item.prompt else {
                    throw .unprocessable("inputs[\(index)].prompt (or .messages) is required", code: "missing_field")
                }
                resolved.append(ScoreInput(prompt: prompt, response: item.response))
                layouts.append(nil)
            }
        }
        return (resolved, layouts, true)
    }
}
