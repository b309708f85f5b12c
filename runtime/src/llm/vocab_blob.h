// A VocabDescription as bytes, so that the compiler can embed a model's
// vocabulary in the executable it writes and the runtime read it back
// without a GGUF reader. The format is private to one build of Born: a magic
// and version, then each field in declaration order (little-endian u32
// counts and lengths, f32 scores, i32 token types, an optional id as a flag
// byte plus an i64).
#ifndef BORN_RUNTIME_LLM_VOCAB_BLOB_H
#define BORN_RUNTIME_LLM_VOCAB_BLOB_H

#include "llm/tokenizer.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace born::llm {

std::string serializeVocab(const VocabDescription &vocab);

// False with `error` set when the bytes are not a vocabulary this build wrote.
bool deserializeVocab(const uint8_t *data, size_t size, VocabDescription &vocab,
                      std::string *error);

} // namespace born::llm

#endif // BORN_RUNTIME_LLM_VOCAB_BLOB_H
