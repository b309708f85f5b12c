# Fails when the executable FILE needs libvulkan (a NEEDED entry of its own or
# of a library it loads), as listed by LDD.
# Usage: cmake -DLDD=ldd -DFILE=exe -P CheckNoLibvulkan.cmake
execute_process(COMMAND ${LDD} ${FILE} OUTPUT_VARIABLE libraries ERROR_VARIABLE errors
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${LDD} ${FILE} failed (${result}): ${errors}")
endif()
if(libraries MATCHES "libvulkan")
  message(FATAL_ERROR "${FILE} needs libvulkan, so it cannot start without the Vulkan "
                      "loader:\n${libraries}")
endif()
message(STATUS "${FILE} needs no libvulkan:\n${libraries}")
