// Reads a vocabulary description from a GGUF file's tokenizer.ggml.* keys
// with the compiler's GGUF reader (the LLM compiler embeds it; tests load
// llama.cpp's vocab files with it).
#ifndef BORN_COMPILER_LLM_GGUFVOCAB_H
#define BORN_COMPILER_LLM_GGUFVOCAB_H

#include "llm/tokenizer.h"

#include <string>

namespace born::llm {

// False with `error` set when the file cannot be read or a key has the wrong type.
bool loadVocabFromGGUF(const std::string &path, VocabDescription &vocab, std::string *error);

} // namespace born::llm

#endif // BORN_COMPILER_LLM_GGUFVOCAB_H
