// Chat prompts in llama.cpp's built-in formats. A GGUF file carries its chat
// template as Jinja text (tokenizer.chat_template); like llama.cpp's
// llama_chat_apply_template we do not run Jinja but recognise the template
// by substrings and write the conversation in the matching hand-written
// format, so that a conversation gives exactly llama.cpp's prompt string.
#ifndef BORN_RUNTIME_LLM_CHAT_TEMPLATE_H
#define BORN_RUNTIME_LLM_CHAT_TEMPLATE_H

#include <string>
#include <vector>

namespace born::llm {

enum class ChatFormat {
  Unknown,
  ChatML,
  Llama2,
  Llama2Sys,
  Llama2SysBos,
  Llama2SysStrip,
  MistralV1,
  MistralV3,
  MistralV3Tekken,
  MistralV7,
  MistralV7Tekken,
  Phi3,
  Phi4,
  Falcon3,
  Zephyr,
  Monarch,
  Gemma,
  Orion,
  OpenChat,
  Vicuna,
  VicunaOrca,
  DeepSeek,
  DeepSeek2,
  DeepSeek3,
  CommandR,
  Llama3,
  ChatGLM3,
  ChatGLM4,
  GLMEdge,
  MiniCPM,
  Exaone3,
  Exaone4,
  Granite,
  Megrez,
  Llama4,
  SmolVLM,
  Bailing,
};

struct ChatMessage {
  std::string role; // system, user, assistant
  std::string content;
};

// The names llama.cpp accepts for the formats above (--chat-template),
// sorted.
std::vector<std::string> chatFormatNames();
// The format named `name`, or Unknown.
ChatFormat chatFormatByName(const std::string &name);
// The name of `format` ("unknown" for Unknown).
const char *chatFormatName(ChatFormat format);

// The format of a Jinja chat template (or a format name), by llama.cpp's
// heuristics; Unknown when llama.cpp recognises none or one Born lacks.
ChatFormat detectChatFormat(const std::string &jinjaTemplate);

// The prompt for `messages`, ending with the assistant's turn opener when
// `addAssistant` (and the format has one). Empty for Unknown.
std::string formatChat(ChatFormat format,
                       const std::vector<ChatMessage> &messages,
                       bool addAssistant);

} // namespace born::llm

#endif // BORN_RUNTIME_LLM_CHAT_TEMPLATE_H
