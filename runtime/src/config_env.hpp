// Checks of the MEMSCOPE_* environment beyond the values config_load reads.
#ifndef MEMSCOPE_RT_CONFIG_ENV_HPP
#define MEMSCOPE_RT_CONFIG_ENV_HPP

namespace memscope::detail {

// One "memscope:" line on stderr per MEMSCOPE_* variable that is not a
// setting memscope knows (a typo would otherwise go unnoticed).
void warn_unknown_settings() noexcept;

} // namespace memscope::detail

#endif // MEMSCOPE_RT_CONFIG_ENV_HPP
