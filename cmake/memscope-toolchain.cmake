# Instruments every C++ target of an unmodified project:
#   cmake -DCMAKE_TOOLCHAIN_FILE=<prefix>/lib/cmake/memscope/memscope-toolchain.cmake ..
# Compiles with clang++-19 and the memscope plugin, and links the shared
# runtime into every executable and shared library (one runtime per process,
# whose operator new replaces the C++ library's).
get_filename_component(_memscope_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(_memscope_plugin "${_memscope_prefix}/lib/memscope/memscope.so")
set(_memscope_rt "${_memscope_prefix}/lib/libmemscope_rt.so")
if(NOT EXISTS "${_memscope_plugin}" OR NOT EXISTS "${_memscope_rt}")
  message(FATAL_ERROR "memscope toolchain: ${_memscope_plugin} or "
    "${_memscope_rt} is missing; reinstall memscope (cmake --install)")
endif()

find_program(MEMSCOPE_CLANGXX NAMES clang++-19 REQUIRED)
find_program(MEMSCOPE_CLANG NAMES clang-19 REQUIRED)
set(CMAKE_CXX_COMPILER "${MEMSCOPE_CLANGXX}")
set(CMAKE_C_COMPILER "${MEMSCOPE_CLANG}")

set(CMAKE_CXX_FLAGS_INIT "-fplugin=${_memscope_plugin}")
# memscope's API headers (<memscope/async_memory.hpp>, ...) for every target.
set(CMAKE_CXX_STANDARD_INCLUDE_DIRECTORIES "${_memscope_prefix}/include")
set(CMAKE_CXX_STANDARD_LIBRARIES_INIT
  "${_memscope_rt} -Wl,-rpath,${_memscope_prefix}/lib -lpthread")
