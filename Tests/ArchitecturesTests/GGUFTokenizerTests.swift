import Architectures
import Foundation
import ModelIO
import Testing
import Tokenizers

/// The tiny fixture GGUF embeds the vocabulary and merges of Models/fixtures/llama/bpe.json.
@Test func ggufTokenizer_matchesTokenizerJSON() throws {
    let file = try GGUFFile(url: LlamaFixture.directory.appendingPathComponent("tiny_tied/model-f32.gguf"))
    let fromGGUF = try GGUFTokenizer.make(from: file)
    let cases = try JSONDecoder().decode([BPECase].self, from: Data(contentsOf: LlamaFixture.directory.appendingPathComponent("bpe_cases.json")))
    var failures = 0
    for c in cases where fromGGUF.tokenize(c.text) != c.ids {
        failures += 1
        if failures <= 3 { Issue.record("\(c.text.debugDescription): got \(fromGGUF.tokenize(c.text)), expected \(c.ids)") }
    }
    #expect(failures == 0)
    let special = try GGUFTokenizer.specialIDs(of: file)
    #expect(special.bos == 1 && special.eos == 2 && special.pad == 0)
    // Control tokens are matched whole, before BPE.
    #expect(fromGGUF.tokenize("<|im_start|>user") .first == 1)
}

@Test func chatTemplate_detectsChatMLAndDefaultSystemPrompt() throws {
    let smol = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are SmolLM<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
    let template = try #require(ChatTemplate(jinja: smol))
    #expect(template.defaultSystemPrompt == "You are SmolLM")
    #expect(template.render([.init(role: "user", content: "Hi")])
        == "<|im_start|>system\nYou are SmolLM<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    #expect(template.render([.init(role: "system", content: "S"), .init(role: "user", content: "Hi")], addGenerationPrompt: false)
        == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")
    #expect(ChatTemplate(jinja: "{{ bos_token }}[INST] {{ content }} [/INST]") == nil)
    let tiny = try GGUFFile(url: LlamaFixture.directory.appendingPathComponent("tiny_tied/model-f32.gguf"))
    #expect(try ChatTemplate(gguf: tiny)?.defaultSystemPrompt == nil)
}
