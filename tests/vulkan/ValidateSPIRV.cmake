# Emits MODEL's kernels with bornc --emit=spirv into OUT and runs
# spirv-val --target-env vulkan1.1 on each.
find_program(SPIRV_VAL spirv-val REQUIRED)
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${BORNC} -q ${MODEL} --emit=spirv -o ${OUT}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "bornc --emit=spirv failed on ${MODEL}")
endif()
file(GLOB kernels ${OUT}/*.spv)
if(NOT kernels)
  message(FATAL_ERROR "no kernels emitted for ${MODEL}")
endif()
foreach(kernel ${kernels})
  execute_process(COMMAND ${SPIRV_VAL} --target-env vulkan1.1 ${kernel}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "spirv-val rejected ${kernel}")
  endif()
endforeach()
