#include "llm/chat_template.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace born::llm {
namespace {

// Sorted by name, as llama.cpp lists them (llama_chat_builtin_templates).
const std::pair<const char *, ChatFormat> kFormats[] = {
    {"bailing", ChatFormat::Bailing},
    {"chatglm3", ChatFormat::ChatGLM3},
    {"chatglm4", ChatFormat::ChatGLM4},
    {"chatml", ChatFormat::ChatML},
    {"command-r", ChatFormat::CommandR},
    {"deepseek", ChatFormat::DeepSeek},
    {"deepseek2", ChatFormat::DeepSeek2},
    {"deepseek3", ChatFormat::DeepSeek3},
    {"exaone3", ChatFormat::Exaone3},
    {"exaone4", ChatFormat::Exaone4},
    {"falcon3", ChatFormat::Falcon3},
    {"gemma", ChatFormat::Gemma},
    {"glmedge", ChatFormat::GLMEdge},
    {"granite", ChatFormat::Granite},
    {"llama2", ChatFormat::Llama2},
    {"llama2-sys", ChatFormat::Llama2Sys},
    {"llama2-sys-bos", ChatFormat::Llama2SysBos},
    {"llama2-sys-strip", ChatFormat::Llama2SysStrip},
    {"llama3", ChatFormat::Llama3},
    {"llama4", ChatFormat::Llama4},
    {"megrez", ChatFormat::Megrez},
    {"minicpm", ChatFormat::MiniCPM},
    {"mistral-v1", ChatFormat::MistralV1},
    {"mistral-v3", ChatFormat::MistralV3},
    {"mistral-v3-tekken", ChatFormat::MistralV3Tekken},
    {"mistral-v7", ChatFormat::MistralV7},
    {"mistral-v7-tekken", ChatFormat::MistralV7Tekken},
    {"monarch", ChatFormat::Monarch},
    {"openchat", ChatFormat::OpenChat},
    {"orion", ChatFormat::Orion},
    {"phi3", ChatFormat::Phi3},
    {"phi4", ChatFormat::Phi4},
    {"smolvlm", ChatFormat::SmolVLM},
    {"vicuna", ChatFormat::Vicuna},
    {"vicuna-orca", ChatFormat::VicunaOrca},
    {"zephyr", ChatFormat::Zephyr},
};

// Markers with non-ASCII characters (UTF-8): MiniCPM's user tag and
// DeepSeek's, with fullwidth bars and U+2581.
const char *const kMiniCPMUser = "<\u7528\u6237>";
const char *const kDeepSeekUser = "<\uFF5CUser\uFF5C>";
const char *const kDeepSeekAssistant = "<\uFF5CAssistant\uFF5C>";
const char *const kDeepSeekEnd = "<\uFF5Cend\u2581of\u2581sentence\uFF5C>";

// Whitespace as C's isspace sees it in the "C" locale; bytes of UTF-8
// sequences are never whitespace.
std::string trim(const std::string &s) {
  auto space = [](char c) {
    return std::isspace(static_cast<unsigned char>(c));
  };
  size_t begin = 0, end = s.size();
  while (begin < end && space(s[begin]))
    ++begin;
  while (end > begin && space(s[end - 1]))
    --end;
  return s.substr(begin, end - begin);
}

} // namespace

std::vector<std::string> chatFormatNames() {
  std::vector<std::string> names;
  for (const auto &[name, format] : kFormats)
    names.push_back(name);
  return names;
}

ChatFormat chatFormatByName(const std::string &name) {
  for (const auto &[n, format] : kFormats)
    if (name == n)
      return format;
  return ChatFormat::Unknown;
}

const char *chatFormatName(ChatFormat format) {
  for (const auto &[name, f] : kFormats)
    if (f == format)
      return name;
  return "unknown";
}

ChatFormat detectChatFormat(const std::string &t) {
  if (ChatFormat byName = chatFormatByName(t); byName != ChatFormat::Unknown)
    return byName;
  auto has = [&](const char *s) { return t.find(s) != std::string::npos; };
  // The order matters: llama.cpp takes the first test that matches, and
  // several templates share markers (ChatML's <|im_start|> in Phi-4, [INST]
  // in every Mistral and Llama 2 flavour). Branches for formats Born does
  // not write return Unknown rather than fall through to a later test.
  if (has("<|im_start|>")) {
    if (has("<|im_sep|>"))
      return ChatFormat::Phi4;
    if (has("<end_of_utterance>"))
      return ChatFormat::SmolVLM;
    return ChatFormat::ChatML;
  }
  if (t.rfind("mistral", 0) == 0 || has("[INST]")) {
    if (has("[SYSTEM_PROMPT]"))
      return ChatFormat::MistralV7;
    if (has("' [INST] ' + system_message") || has("[AVAILABLE_TOOLS]")) {
      if (has(" [INST]"))
        return ChatFormat::MistralV1;
      if (has("\"[INST]\""))
        return ChatFormat::MistralV3Tekken;
      return ChatFormat::MistralV3;
    }
    if (has("content.strip()"))
      return ChatFormat::Llama2SysStrip;
    if (has("bos_token + '[INST]"))
      return ChatFormat::Llama2SysBos;
    if (has("<<SYS>>"))
      return ChatFormat::Llama2Sys;
    return ChatFormat::Llama2;
  }
  if (has("<|assistant|>") && has("<|end|>"))
    return ChatFormat::Phi3;
  if (has("[gMASK]<sop>"))
    return ChatFormat::ChatGLM4;
  if (has("<|assistant|>") && has("<|user|>"))
    return has("</s>") ? ChatFormat::Falcon3 : ChatFormat::GLMEdge;
  if (has("<|{{ item['role'] }}|>") && has("<|begin_of_image|>"))
    return ChatFormat::GLMEdge;
  if (has("<|user|>") && has("<|endoftext|>"))
    return ChatFormat::Zephyr;
  if (has("bos_token + message['role']"))
    return ChatFormat::Monarch;
  if (has("<start_of_turn>"))
    return ChatFormat::Gemma;
  if (has("'\\n\\nAssistant: ' + eos_token"))
    return ChatFormat::Orion;
  if (has("GPT4 Correct "))
    return ChatFormat::OpenChat;
  if (has("USER: ") && has("ASSISTANT: "))
    return has("SYSTEM: ") ? ChatFormat::VicunaOrca : ChatFormat::Vicuna;
  if (has("### Instruction:") && has("<|EOT|>"))
    return ChatFormat::DeepSeek;
  if (has("<|START_OF_TURN_TOKEN|>") && has("<|USER_TOKEN|>"))
    return ChatFormat::CommandR;
  if (has("<|start_header_id|>") && has("<|end_header_id|>"))
    return ChatFormat::Llama3;
  if (has("[gMASK]sop"))
    return ChatFormat::ChatGLM3;
  if (has(kMiniCPMUser))
    return ChatFormat::MiniCPM;
  if (has("'Assistant: ' + message['content'] + eos_token"))
    return ChatFormat::DeepSeek2;
  if (has(kDeepSeekAssistant) && has(kDeepSeekUser) && has(kDeepSeekEnd))
    return ChatFormat::DeepSeek3;
  if (has("[|system|]") && has("[|assistant|]") && has("[|endofturn|]"))
    return has("[|tool|]") ? ChatFormat::Exaone4 : ChatFormat::Exaone3;
  if (has("rwkv-world") ||
      has("{{- 'User: ' + message['content']|trim + '\\n\\n' -}}"))
    return ChatFormat::Unknown; // rwkv-world: not written by Born
  if (has("<|start_of_role|>"))
    return ChatFormat::Granite;
  if (has("message['role'] + additional_special_tokens[0] + "
          "message['content'] + additional_special_tokens[1]"))
    return ChatFormat::Unknown; // gigachat
  if (has("<|role_start|>"))
    return ChatFormat::Megrez;
  if (has("<role>ASSISTANT</role>") && has("'HUMAN'"))
    return ChatFormat::Bailing;
  if (has("<|header_start|>") && has("<|header_end|>"))
    return ChatFormat::Llama4;
  return ChatFormat::Unknown;
}

std::string formatChat(ChatFormat format,
                       const std::vector<ChatMessage> &messages,
                       bool addAssistant) {
  using F = ChatFormat;
  std::string out;
  // Formats whose turns are "prefix + role + infix + content + suffix",
  // with an assistant opener at the end.
  auto simple = [&](const char *prefix, const char *infix, const char *suffix,
                    bool trimmed, const char *opener) {
    for (const ChatMessage &m : messages)
      out += prefix + m.role + infix + (trimmed ? trim(m.content) : m.content) +
             suffix;
    if (addAssistant)
      out += opener;
  };
  switch (format) {
  case F::Unknown:
    break;
  case F::ChatML:
    simple("<|im_start|>", "\n", "<|im_end|>\n", false,
           "<|im_start|>assistant\n");
    break;
  case F::Phi3:
    simple("<|", "|>\n", "<|end|>\n", false, "<|assistant|>\n");
    break;
  case F::Phi4:
    simple("<|im_start|>", "<|im_sep|>", "<|im_end|>", false,
           "<|im_start|>assistant<|im_sep|>");
    break;
  case F::Falcon3:
    simple("<|", "|>\n", "\n", false, "<|assistant|>\n");
    break;
  case F::Zephyr:
    simple("<|", "|>\n", "<|endoftext|>\n", false, "<|assistant|>\n");
    break;
  case F::Llama3:
    simple("<|start_header_id|>", "<|end_header_id|>\n\n", "<|eot_id|>", true,
           "<|start_header_id|>assistant<|end_header_id|>\n\n");
    break;
  case F::Llama4:
    simple("<|header_start|>", "<|header_end|>\n\n", "<|eot|>", true,
           "<|header_start|>assistant<|header_end|>\n\n");
    break;
  case F::Megrez:
    simple("<|role_start|>", "<|role_end|>", "<|turn_end|>", false,
           "<|role_start|>assistant<|role_end|>");
    break;
  case F::GLMEdge:
    simple("<|", "|>\n", "", false, "<|assistant|>");
    break;
  case F::ChatGLM3:
    out = "[gMASK]sop";
    simple("<|", "|>\n ", "", false, "<|assistant|>");
    break;
  case F::ChatGLM4:
    out = "[gMASK]<sop>";
    simple("<|", "|>\n", "", false, "<|assistant|>\n");
    break;
  case F::Granite:
    // Granite's assistant_tool_call role would add <|tool_call|>; chat has
    // no tool calls.
    for (const ChatMessage &m : messages)
      out += "<|start_of_role|>" + m.role + "<|end_of_role|>" +
             (m.role == "assistant_tool_call" ? "<|tool_call|>" : "") +
             m.content + "<|end_of_text|>\n";
    // The llama.cpp Born tests against (node-llama-cpp 3.22.1) writes no
    // newline after the opener; some other releases do.
    if (addAssistant)
      out += "<|start_of_role|>assistant<|end_of_role|>";
    break;
  case F::MistralV7:
  case F::MistralV7Tekken: {
    // No assistant opener: the reply follows [/INST] directly.
    const char *space = format == F::MistralV7 ? " " : "";
    for (const ChatMessage &m : messages) {
      if (m.role == "system")
        out += std::string("[SYSTEM_PROMPT]") + space + m.content +
               "[/SYSTEM_PROMPT]";
      else if (m.role == "user")
        out += std::string("[INST]") + space + m.content + "[/INST]";
      else
        out += space + m.content + "</s>";
    }
    break;
  }
  case F::MistralV1:
  case F::MistralV3:
  case F::MistralV3Tekken: {
    std::string lead = format == F::MistralV1 ? " " : "";
    std::string trail = format == F::MistralV3Tekken ? "" : " ";
    bool inTurn = false;
    for (const ChatMessage &m : messages) {
      if (!inTurn) {
        out += lead + "[INST]" + trail;
        inTurn = true;
      }
      if (m.role == "system") {
        out += m.content + "\n\n";
      } else if (m.role == "user") {
        out += m.content + lead + "[/INST]";
      } else {
        out += trail + (format == F::MistralV3 ? trim(m.content) : m.content) +
               "</s>";
        inTurn = false;
      }
    }
    break;
  }
  case F::Llama2:
  case F::Llama2Sys:
  case F::Llama2SysBos:
  case F::Llama2SysStrip: {
    // The first [INST] has no <s>: the tokenizer adds BOS.
    bool inTurn = true;
    out = "[INST] ";
    for (const ChatMessage &m : messages) {
      std::string content =
          format == F::Llama2SysStrip ? trim(m.content) : m.content;
      if (!inTurn) {
        inTurn = true;
        out += format == F::Llama2SysBos ? "<s>[INST] " : "[INST] ";
      }
      if (m.role == "system") {
        // Plain Llama 2 has no system block: the text goes in the turn.
        if (format == F::Llama2)
          out += content + "\n";
        else
          out += "<<SYS>>\n" + content + "\n<</SYS>>\n\n";
      } else if (m.role == "user") {
        out += content + " [/INST]";
      } else {
        out += content + "</s>";
        inTurn = false;
      }
    }
    break;
  }
  case F::Monarch:
    // <s> inside the history, except before the first message (BOS).
    for (size_t i = 0; i < messages.size(); ++i)
      out += (i ? "<s>" : "") + messages[i].role + "\n" + messages[i].content +
             "</s>\n";
    if (addAssistant)
      out += "<s>assistant\n";
    break;
  case F::Gemma: {
    // Gemma has no system role: the system text opens the next user turn.
    std::string system;
    for (const ChatMessage &m : messages) {
      if (m.role == "system") {
        system += trim(m.content);
        continue;
      }
      std::string role = m.role == "assistant" ? "model" : m.role;
      out += "<start_of_turn>" + role + "\n";
      if (!system.empty() && role != "model") {
        out += system + "\n\n";
        system.clear();
      }
      out += trim(m.content) + "<end_of_turn>\n";
    }
    if (addAssistant)
      out += "<start_of_turn>model\n";
    break;
  }
  case F::Orion: {
    std::string system;
    for (const ChatMessage &m : messages) {
      if (m.role == "system") {
        system += m.content;
      } else if (m.role == "user") {
        out += "Human: ";
        if (!system.empty()) {
          out += system + "\n\n";
          system.clear();
        }
        out += m.content + "\n\nAssistant: </s>";
      } else {
        out += m.content + "</s>";
      }
    }
    break;
  }
  case F::OpenChat:
    for (const ChatMessage &m : messages) {
      if (m.role == "system") {
        out += m.content + "<|end_of_turn|>";
      } else {
        std::string role = m.role;
        if (!role.empty())
          role[0] = char(std::toupper(static_cast<unsigned char>(role[0])));
        out += "GPT4 Correct " + role + ": " + m.content + "<|end_of_turn|>";
      }
    }
    if (addAssistant)
      out += "GPT4 Correct Assistant:";
    break;
  case F::Vicuna:
  case F::VicunaOrca:
    for (const ChatMessage &m : messages) {
      if (m.role == "system")
        out += format == F::VicunaOrca ? "SYSTEM: " + m.content + "\n"
                                       : m.content + "\n\n";
      else if (m.role == "user")
        out += "USER: " + m.content + "\n";
      else if (m.role == "assistant")
        out += "ASSISTANT: " + m.content + "</s>\n";
    }
    if (addAssistant)
      out += "ASSISTANT:";
    break;
  case F::DeepSeek:
    for (const ChatMessage &m : messages) {
      if (m.role == "system")
        out += m.content;
      else if (m.role == "user")
        out += "### Instruction:\n" + m.content + "\n";
      else if (m.role == "assistant")
        out += "### Response:\n" + m.content + "\n<|EOT|>\n";
    }
    if (addAssistant)
      out += "### Response:\n";
    break;
  case F::DeepSeek2:
    for (const ChatMessage &m : messages) {
      if (m.role == "system")
        out += m.content + "\n\n";
      else if (m.role == "user")
        out += "User: " + m.content + "\n\n";
      else if (m.role == "assistant")
        out += "Assistant: " + m.content + kDeepSeekEnd;
    }
    if (addAssistant)
      out += "Assistant:";
    break;
  case F::DeepSeek3:
    for (const ChatMessage &m : messages) {
      if (m.role == "system")
        out += m.content + "\n\n";
      else if (m.role == "user")
        out += kDeepSeekUser + m.content;
      else if (m.role == "assistant")
        out += kDeepSeekAssistant + m.content + kDeepSeekEnd;
    }
    if (addAssistant)
      out += kDeepSeekAssistant;
    break;
  case F::CommandR:
    for (const ChatMessage &m : messages) {
      const char *token = m.role == "system"      ? "<|SYSTEM_TOKEN|>"
                          : m.role == "user"      ? "<|USER_TOKEN|>"
                          : m.role == "assistant" ? "<|CHATBOT_TOKEN|>"
                                                  : nullptr;
      if (token)
        out += std::string("<|START_OF_TURN_TOKEN|>") + token +
               trim(m.content) + "<|END_OF_TURN_TOKEN|>";
    }
    if (addAssistant)
      out += "<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>";
    break;
  case F::MiniCPM:
    // No assistant opener: <AI> closes each user turn.
    for (const ChatMessage &m : messages)
      out += m.role == "user" ? kMiniCPMUser + trim(m.content) + "<AI>"
                              : trim(m.content);
    break;
  case F::Exaone3:
  case F::Exaone4:
    for (const ChatMessage &m : messages) {
      if (m.role == "system")
        out += "[|system|]" + trim(m.content) + "[|endofturn|]\n";
      else if (m.role == "user")
        out += "[|user|]" + trim(m.content) + "\n";
      else if (m.role == "assistant")
        out += "[|assistant|]" + trim(m.content) + "[|endofturn|]\n";
      else if (m.role == "tool" && format == F::Exaone4)
        out += "[|tool|]" + trim(m.content) + "[|endofturn|]\n";
    }
    if (addAssistant)
      out += "[|assistant|]";
    break;
  case F::SmolVLM:
    // <|im_start|> is SmolVLM's BOS; the turns are not ChatML.
    out = "<|im_start|>";
    for (const ChatMessage &m : messages) {
      if (m.role == "system")
        out += m.content + "\n\n";
      else if (m.role == "user")
        out += "User: " + m.content + "<end_of_utterance>\n";
      else
        out += "Assistant: " + m.content + "<end_of_utterance>\n";
    }
    if (addAssistant)
      out += "Assistant:";
    break;
  case F::Bailing:
    for (const ChatMessage &m : messages) {
      std::string role = m.role;
      if (role == "user")
        role = "HUMAN";
      else
        std::transform(role.begin(), role.end(), role.begin(), [](char c) {
          return char(std::toupper(static_cast<unsigned char>(c)));
        });
      out += "<role>" + role + "</role>" + m.content;
    }
    if (addAssistant)
      out += "<role>ASSISTANT</role>";
    break;
  }
  return out;
}

} // namespace born::llm
