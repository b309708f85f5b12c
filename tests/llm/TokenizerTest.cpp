#include "llm/tokenizer.h"

#include <gtest/gtest.h>

using namespace born::llm;

TEST(Tokenizer, Placeholder) { SUCCEED(); }
