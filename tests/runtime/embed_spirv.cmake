# Turns a SPIR-V binary into a C++ source defining its words:
#   cmake -DINPUT=add.spv -DOUTPUT=add_spirv.cpp -DNAME=born_test_add_spirv -P embed_spirv.cmake
# defines `const uint32_t NAME[]` and `const uint64_t NAME_words`.
file(READ "${INPUT}" bytes HEX)
string(LENGTH "${bytes}" hex_length)
math(EXPR remainder "${hex_length} % 8")
if(hex_length EQUAL 0 OR NOT remainder EQUAL 0)
  message(FATAL_ERROR "${INPUT} is not a whole number of 32-bit words")
endif()
math(EXPR num_words "${hex_length} / 8")
math(EXPR last "${num_words} - 1")
set(words "")
foreach(i RANGE 0 ${last})
  math(EXPR offset "${i} * 8")
  string(SUBSTRING "${bytes}" ${offset} 8 word)
  # SPIR-V files are little-endian: reverse the bytes of each word.
  string(SUBSTRING "${word}" 0 2 b0)
  string(SUBSTRING "${word}" 2 2 b1)
  string(SUBSTRING "${word}" 4 2 b2)
  string(SUBSTRING "${word}" 6 2 b3)
  string(APPEND words "0x${b3}${b2}${b1}${b0}u,")
  math(EXPR column "${i} % 8")
  if(column EQUAL 7)
    string(APPEND words "\n")
  endif()
endforeach()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by embed_spirv.cmake.\n#include <cstdint>\n"
  "extern const uint32_t ${NAME}[] = {\n${words}\n};\n"
  "extern const uint64_t ${NAME}_words = ${num_words};\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
