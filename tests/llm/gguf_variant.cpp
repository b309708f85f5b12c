// gguf_variant IN OUT [--type TYPE] [--arch qwen2] [--chat-template TEXT]:
// copies a llama GGUF file
// with changes, so that tests can run the same model in other forms:
//   --type TYPE   every 2-D F32 tensor re-encoded as TYPE (f16, bf16, ...);
//   --arch qwen2  the metadata renamed to architecture qwen2 (llama.* keys
//                 become qwen2.*) and Q/K/V biases added (small values from
//                 a fixed formula), which llama.cpp then runs with NeoX RoPE;
//   --chat-template TEXT  tokenizer.chat_template set to TEXT.
#include "compiler/GGUF/GGUF.h"
#include "compiler/GGUF/GGUFWriter.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace born;

int main(int argc, char **argv) {
  auto fail = [](const std::string &message) {
    std::fprintf(stderr, "gguf_variant: %s\n", message.c_str());
    return 1;
  };
  if (argc < 3 || argc % 2 == 0)
    return fail("usage: gguf_variant IN OUT [--type TYPE] [--arch qwen2] "
                "[--chat-template TEXT]");
  std::optional<GGMLType> type;
  std::optional<std::string> chatTemplate;
  bool qwen2 = false;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string option = argv[i], value = argv[i + 1];
    if (option == "--type") {
      for (uint32_t id = 0; id < 64 && !type; ++id)
        if (std::optional<GGMLTypeTraits> traits = ggmlTypeTraits(id))
          if (traits->name.equals_insensitive(value))
            type = traits->type;
      if (!type)
        return fail("unknown type " + value);
    } else if (option == "--arch" && value == "qwen2") {
      qwen2 = true;
    } else if (option == "--chat-template") {
      chatTemplate = value;
    } else {
      return fail("unknown option " + option + " " + value);
    }
  }
  llvm::Expected<GGUFFile> file = GGUFFile::open(argv[1]);
  if (!file)
    return fail(llvm::toString(file.takeError()));
  GGUFWriter writer;
  for (const auto &[key, value] : file->metadata().entries()) {
    llvm::Error err = llvm::Error::success();
    if (qwen2 && key == "general.architecture")
      err = writer.set(key, GGUFValue::ofString("qwen2"));
    else if (qwen2 && key.starts_with("llama."))
      err = writer.set(("qwen2." + key.drop_front(6)).str(), value);
    else
      err = writer.set(key, value);
    if (err)
      return fail(llvm::toString(std::move(err)));
  }
  if (chatTemplate)
    if (llvm::Error err = writer.set("tokenizer.chat_template",
                                     GGUFValue::ofString(*chatTemplate)))
      return fail(llvm::toString(std::move(err)));
  for (const GGUFTensorInfo &t : file->tensors()) {
    llvm::ArrayRef<uint8_t> bytes = file->tensorData(t);
    llvm::Error err = llvm::Error::success();
    if (type && t.type == GGMLType::F32 && t.dims.size() == 2) {
      std::vector<float> values(bytes.size() / sizeof(float));
      std::memcpy(values.data(), bytes.data(), bytes.size());
      err = writer.addTensorFromFloats(t.name, t.dims, *type, values);
    } else {
      err = writer.addTensor(t.name, t.dims, t.type, bytes);
    }
    if (err)
      return fail(llvm::toString(std::move(err)));
    for (const char *projection : {"attn_q", "attn_k", "attn_v"}) {
      if (!qwen2 || !t.name.ends_with(std::string(projection) + ".weight"))
        continue;
      std::vector<float> bias(t.dims[1]);
      for (size_t i = 0; i < bias.size(); ++i)
        bias[i] = 0.1f * std::sin(0.7f * float(i) + float(t.name.size()));
      std::string name = t.name.drop_back(strlen("weight")).str() + "bias";
      if (llvm::Error e = writer.addTensorFromFloats(
              name, {uint64_t(bias.size())}, GGMLType::F32, bias))
        return fail(llvm::toString(std::move(e)));
    }
  }
  if (llvm::Error err = writer.write(argv[2], /*overwrite=*/true))
    return fail(llvm::toString(std::move(err)));
  return 0;
}
