# Sanitizer builds (MEMSCOPE_SANITIZE=asan or tsan): the runtime, the unit
# tests, the examples and the programs the lit suites compile are built with
# the sanitizer; the compiler plugin is not, because it is loaded into the
# system's clang, which is not a sanitized program. Used by separate build
# trees (scripts/sanitize.sh), never by the default one.
#   asan: AddressSanitizer + UndefinedBehaviorSanitizer, every UB report fatal.
#   tsan: ThreadSanitizer.
set(MEMSCOPE_SANITIZE "" CACHE STRING
  "Build the runtime and tests with sanitizers: '' (none), asan (ASan+UBSan), tsan")
set_property(CACHE MEMSCOPE_SANITIZE PROPERTY STRINGS "" asan tsan)

set(MEMSCOPE_SANITIZE_FLAGS "")
set(MEMSCOPE_SANITIZE_LINK_FLAGS "")
if(MEMSCOPE_SANITIZE STREQUAL "asan")
  set(MEMSCOPE_SANITIZE_FLAGS
    -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
elseif(MEMSCOPE_SANITIZE STREQUAL "tsan")
  set(MEMSCOPE_SANITIZE_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
  # TSan's static runtime defines operator new/delete as strong symbols and is
  # linked whole-archive, which collides with the runtime's replacements
  # ("multiple definition of operator new"). With the shared TSan runtime the
  # program's definitions (ours) take precedence, and TSan still sees every
  # block through its malloc/free interceptors. (ASan's are weak: no issue.)
  set(MEMSCOPE_SANITIZE_LINK_FLAGS -shared-libsan)
elseif(NOT MEMSCOPE_SANITIZE STREQUAL "")
  message(FATAL_ERROR
    "MEMSCOPE_SANITIZE='${MEMSCOPE_SANITIZE}': use asan, tsan or leave it empty")
endif()

if(MEMSCOPE_SANITIZE_FLAGS)
  # The sanitizer runtimes ship in libclang-rt-19-dev; say so rather than fail
  # at the first link.
  execute_process(
    COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libclang_rt.${MEMSCOPE_SANITIZE}-x86_64.a
    OUTPUT_VARIABLE _memscope_rt_lib OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT IS_ABSOLUTE "${_memscope_rt_lib}" OR NOT EXISTS "${_memscope_rt_lib}")
    message(FATAL_ERROR
      "MEMSCOPE_SANITIZE=${MEMSCOPE_SANITIZE} needs the Clang 19 sanitizer "
      "runtimes: run scripts/install-deps.sh (package libclang-rt-19-dev)")
  endif()
  get_filename_component(_memscope_rt_dir "${_memscope_rt_lib}" DIRECTORY)
  if(MEMSCOPE_SANITIZE_LINK_FLAGS)
    list(APPEND MEMSCOPE_SANITIZE_LINK_FLAGS "-Wl,-rpath,${_memscope_rt_dir}")
  endif()
  # Every target but those marked MEMSCOPE_NO_SANITIZE (the plugin).
  set(_memscope_on "$<NOT:$<BOOL:$<TARGET_PROPERTY:MEMSCOPE_NO_SANITIZE>>>")
  foreach(flag IN LISTS MEMSCOPE_SANITIZE_FLAGS)
    add_compile_options("$<${_memscope_on}:${flag}>")
    add_link_options("$<${_memscope_on}:${flag}>")
  endforeach()
  foreach(flag IN LISTS MEMSCOPE_SANITIZE_LINK_FLAGS)
    add_link_options("$<${_memscope_on}:${flag}>")
  endforeach()
endif()
# For the lit configuration: the flags instrumented test programs get.
list(JOIN MEMSCOPE_SANITIZE_FLAGS " " MEMSCOPE_SANITIZE_FLAGS_STRING)
list(JOIN MEMSCOPE_SANITIZE_LINK_FLAGS " " MEMSCOPE_SANITIZE_LINK_FLAGS_STRING)
