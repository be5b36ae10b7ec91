// Checks of the MEMSCOPE_* environment beyond the values config_load reads.
#ifndef MEMSCOPE_RT_CONFIG_ENV_HPP
#define MEMSCOPE_RT_CONFIG_ENV_HPP

namespace memscope::detail {

// One "memscope:" line on stderr per MEMSCOPE_* variable that is not a
// setting memscope knows (a typo would otherwise go unnoticed).
void warn_unknown_settings() noexcept;

// Checks at start-up that MEMSCOPE_OUTPUT's directory exists and is
// writable, so that a long-running program learns of a bad path now rather
// than at exit: one "memscope:" line when it is not.
void check_output_directory() noexcept;

// The errno of that start-up complaint (0: none). The exit-time writer stays
// silent when writing to that path fails, so a problem is one line.
int output_directory_errno() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_CONFIG_ENV_HPP
