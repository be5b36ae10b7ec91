# In-tree memscope_instrument(): the installed package defines the same
# function in memscopeConfig.cmake.
# OBJECT_DEPENDS takes no generator expressions: name the file directly.
set(MEMSCOPE_PLUGIN_FILE "${PROJECT_BINARY_DIR}/lib/memscope/memscope.so")

function(memscope_instrument target)
  target_compile_options(${target} PRIVATE
    "-fplugin=$<TARGET_FILE:memscope_plugin>")
  add_dependencies(${target} memscope_plugin)
  # Objects must be rebuilt when the plugin changes.
  get_target_property(_srcs ${target} SOURCES)
  set_source_files_properties(${_srcs} TARGET_DIRECTORY ${target}
    PROPERTIES OBJECT_DEPENDS "${MEMSCOPE_PLUGIN_FILE}")
  target_link_libraries(${target} PRIVATE memscope::rt)
endfunction()
