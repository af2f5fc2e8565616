# nnvp_add_firmware(NAME SOURCE...): a firmware library (a shared module)
# that `nnvp run --firmware` or a scenario's firmware.library loads. Its
# sources declare their programs with NNVP_FIRMWARE_ENTRY
# (firmware/programs/firmware_library.h).
function(nnvp_add_firmware name)
  if(NOT ARGN)
    message(FATAL_ERROR "nnvp_add_firmware(${name}): give the library's source files")
  endif()
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE nnvp::sdk)
  target_compile_features(${name} PRIVATE cxx_std_17)
  # Only the entry point is exported: the SDK's code linked into the library
  # stays its own (no clash with nnvp's copy), and a missing symbol fails the
  # link here instead of the dlopen in nnvp run.
  set_target_properties(${name} PROPERTIES CXX_VISIBILITY_PRESET hidden
                                           VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE "LINKER:--exclude-libs,ALL" "LINKER:--no-undefined")
endfunction()
