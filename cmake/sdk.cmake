# The firmware SDK (docs/bringup.md): `cmake --install` puts the nnvp
# executable, the headers firmware may include, the static libraries behind
# them and a CMake package (find_package(nnvp), nnvp_add_firmware) under the
# prefix, so a user's firmware is its own project that nnvp run loads.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The firmware side of the layers: the HAL and arch/, the drivers, power
# management, the runtime with the numerics it runs on, and the program API.
set(NNVP_SDK_TARGETS
    nnvp_memory_map nnvp_hal nnvp_arch_regs nnvp_arch_nncore nnvp_arch_package
    nnvp_nn_tensor nnvp_nn_ref nnvp_nn_cost nnvp_nn_cpuops nnvp_nn_kernels
    nnvp_intc_driver nnvp_timer_driver nnvp_dma_driver nnvp_fw_power nnvp_nncore_driver
    nnvp_fw_pm nnvp_runtime nnvp_program_api)
set(NNVP_SDK_HEADER_DIRS
    arch/hal arch/regs arch/memory_map arch/nncore arch/package
    nn/tensor nn/ref nn/cost nn/cpuops nn/kernels
    firmware/drivers firmware/power firmware/runtime)
set(NNVP_SDK_HEADERS
    firmware/programs/program.h firmware/programs/firmware_library.h
    firmware/programs/board.h)

foreach(t IN LISTS NNVP_SDK_TARGETS)
  get_target_property(type ${t} TYPE)
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    # Position-independent so they link into a firmware shared library;
    # without semantic interposition the compiler still inlines across
    # functions as it does for nnvp's own (position-independent executable) code.
    set_target_properties(${t} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    target_compile_options(${t} PRIVATE -fno-semantic-interposition)
  endif()
endforeach()

# One target a firmware project links: nnvp::sdk.
add_library(nnvp_sdk INTERFACE)
target_link_libraries(nnvp_sdk INTERFACE ${NNVP_SDK_TARGETS})
set_target_properties(nnvp_sdk PROPERTIES EXPORT_NAME sdk)
add_library(nnvp::sdk ALIAS nnvp_sdk)

set(NNVP_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/nnvp)
set(NNVP_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/nnvp)
set(NNVP_INSTALL_PLATFORMDIR ${CMAKE_INSTALL_DATADIR}/nnvp/platforms)

# nnvp_warnings is a private (link-only) dependency of every library, so the
# export needs it too; its flags never reach a user's target.
install(TARGETS ${NNVP_SDK_TARGETS} nnvp_sdk nnvp_warnings EXPORT nnvp_targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}/nnvp
        INCLUDES DESTINATION ${NNVP_INSTALL_INCLUDEDIR})
install(TARGETS nnvp EXPORT nnvp_targets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(dir IN LISTS NNVP_SDK_HEADER_DIRS)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/ DESTINATION ${NNVP_INSTALL_INCLUDEDIR}/${dir}
          FILES_MATCHING PATTERN "*.h")
endforeach()
foreach(h IN LISTS NNVP_SDK_HEADERS)
  get_filename_component(dir ${h} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/${h} DESTINATION ${NNVP_INSTALL_INCLUDEDIR}/${dir})
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/platform/configs/ DESTINATION ${NNVP_INSTALL_PLATFORMDIR}
        FILES_MATCHING PATTERN "*.json")

install(EXPORT nnvp_targets NAMESPACE nnvp:: FILE nnvpTargets.cmake
        DESTINATION ${NNVP_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/nnvpConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/nnvpConfig.cmake INSTALL_DESTINATION ${NNVP_INSTALL_CMAKEDIR}
  PATH_VARS NNVP_INSTALL_PLATFORMDIR)
# A library works only with the nnvp whose SDK built it (firmware_library.h).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/nnvpConfigVersion.cmake
  COMPATIBILITY ExactVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/nnvpConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/nnvpConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/nnvp_firmware.cmake
        DESTINATION ${NNVP_INSTALL_CMAKEDIR})

# In the build tree, tests build firmware libraries the same way.
include(${PROJECT_SOURCE_DIR}/cmake/nnvp_firmware.cmake)
