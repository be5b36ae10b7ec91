// MEMSCOPE_MODE and MEMSCOPE_ASYNC_MODE (settings.def), read once by the
// runtime's start-up (lifecycle.cpp, before the program's constructors; also
// in programs that never use the async API, so that a bad value is always
// said), so the hot entry points below only load a plain struct.
#include "memscope/async_runtime.hpp"

#include "support/settings.hpp"

namespace memscope {
namespace {

AsyncSettings g_settings;

DetailMode parse_mode(std::string_view word) noexcept {
  if (word == "off")
    return DetailMode::Off;
  if (word == "counts")
    return DetailMode::Counts;
  return DetailMode::Full;
}

} // namespace

void reload_async_settings() noexcept {
  using detail::Setting;
  g_settings.mode = parse_mode(detail::setting_choice(Setting::Mode));
  g_settings.async_mode = detail::setting_choice(Setting::AsyncMode) == "1";
}

const AsyncSettings &async_settings() noexcept { return g_settings; }

} // namespace memscope
