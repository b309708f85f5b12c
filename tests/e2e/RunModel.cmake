# Compiles MODEL for cpu and vulkan with REF/NAME.safetensors, runs it on
# DEVICE with REF/NAME_input.npy into OUT and compares the output with
# REF/NAME_ref.npy (compare.py, relative tolerance 1e-4).
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${command}")
  endif()
endfunction()
run(${BORNC} -q ${MODEL} --target=cpu,vulkan
    --weights ${REF}/${NAME}.safetensors -o ${OUT}/${NAME})
run(${OUT}/${NAME} ${REF}/${NAME}_input.npy --out ${OUT}/out --device ${DEVICE})
run(${PYTHON} ${COMPARE} ${OUT}/out/output_0.npy ${REF}/${NAME}_ref.npy
    --tol 1e-4)
