#include "compiler/LLM/GGUFVocab.h"

#include "compiler/GGUF/GGUF.h"

namespace born::llm {

bool loadVocabFromGGUF(const std::string &path, VocabDescription &vocab, std::string *error) {
  auto fail = [&](llvm::Error err) {
    *error = llvm::toString(std::move(err));
    return false;
  };
  auto file = GGUFFile::open(path);
  if (!file)
    return fail(file.takeError());
  const GGUFMetadata &meta = file->metadata();

  auto string = [&](const char *key, std::string &out) -> llvm::Error {
    if (!meta.contains(key))
      return llvm::Error::success();
    auto value = meta.getString(key);
    if (!value)
      return value.takeError();
    out = value->str();
    return llvm::Error::success();
  };
  auto strings = [&](const char *key, std::vector<std::string> &out) -> llvm::Error {
    if (!meta.contains(key))
      return llvm::Error::success();
    auto values = meta.getStringArray(key);
    if (!values)
      return values.takeError();
    for (llvm::StringRef s : *values)
      out.push_back(s.str());
    return llvm::Error::success();
  };
  auto id = [&](const char *key, std::optional<int64_t> &out) -> llvm::Error {
    if (!meta.contains(key))
      return llvm::Error::success();
    auto value = meta.getInt(key);
    if (!value)
      return value.takeError();
    // Converters write "no such token" as uint32 -1; llama.cpp then keeps
    // the model kind's default, as an unset id does here.
    if (*value == int64_t(UINT32_MAX))
      return llvm::Error::success();
    out = *value;
    return llvm::Error::success();
  };
  auto flag = [&](const char *key, std::optional<bool> &out) -> llvm::Error {
    if (!meta.contains(key))
      return llvm::Error::success();
    auto value = meta.getBool(key);
    if (!value)
      return value.takeError();
    out = *value;
    return llvm::Error::success();
  };

  if (auto err = string("tokenizer.ggml.model", vocab.model))
    return fail(std::move(err));
  if (auto err = string("tokenizer.ggml.pre", vocab.pre))
    return fail(std::move(err));
  if (auto err = string("general.name", vocab.modelName))
    return fail(std::move(err));
  if (auto err = string("tokenizer.chat_template", vocab.chatTemplate))
    return fail(std::move(err));
  if (auto err = strings("tokenizer.ggml.tokens", vocab.tokens))
    return fail(std::move(err));
  if (auto err = strings("tokenizer.ggml.merges", vocab.merges))
    return fail(std::move(err));
  if (meta.contains("tokenizer.ggml.scores")) {
    auto scores = meta.getArray("tokenizer.ggml.scores");
    if (!scores)
      return fail(scores.takeError());
    for (const GGUFValue &v : (*scores)->elements)
      vocab.scores.push_back(v.type == GGUFValueType::Float32 ? float(v.f) : float(v.i));
  }
  if (meta.contains("tokenizer.ggml.token_type")) {
    auto types = meta.getArray("tokenizer.ggml.token_type");
    if (!types)
      return fail(types.takeError());
    for (const GGUFValue &v : (*types)->elements)
      vocab.tokenTypes.push_back(int32_t(v.isSigned() ? v.i : int64_t(v.u)));
  }
  const std::pair<const char *, std::optional<int64_t> *> ids[] = {
      {"tokenizer.ggml.bos_token_id", &vocab.bosId},
      {"tokenizer.ggml.eos_token_id", &vocab.eosId},
      {"tokenizer.ggml.unknown_token_id", &vocab.unkId},
      {"tokenizer.ggml.seperator_token_id", &vocab.sepId},
      {"tokenizer.ggml.padding_token_id", &vocab.padId},
      {"tokenizer.ggml.eot_token_id", &vocab.eotId}};
  for (const auto &[key, out] : ids)
    if (auto err = id(key, *out))
      return fail(std::move(err));
  if (auto err = flag("tokenizer.ggml.add_bos_token", vocab.addBos))
    return fail(std::move(err));
  if (auto err = flag("tokenizer.ggml.add_eos_token", vocab.addEos))
    return fail(std::move(err));
  if (auto err = flag("tokenizer.ggml.add_space_prefix", vocab.addSpacePrefix))
    return fail(std::move(err));
  return true;
}

} // namespace born::llm
