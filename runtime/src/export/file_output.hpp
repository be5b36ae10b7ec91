// Writing an export (report, trace) so that a reader never sees half a file:
// a temporary file in the target's directory, renamed over the target.
#ifndef MEMSCOPE_RT_FILE_OUTPUT_HPP
#define MEMSCOPE_RT_FILE_OUTPUT_HPP

#include <string>
#include <string_view>

namespace memscope::detail {

// On failure prints (when `complain`) one "memscope: cannot write <what> to
// '<path>': <why>; set <env> to a writable file" line on stderr and returns
// false. An empty path fails with ENOENT. A file-size limit (SIGXFSZ) fails
// the write instead of killing the program. errno is left as the caller had
// it.
bool write_file_atomically(const std::string &path, std::string_view text,
                           std::string_view what, std::string_view env,
                           bool complain = true);

} // namespace memscope::detail

#endif // MEMSCOPE_RT_FILE_OUTPUT_HPP
