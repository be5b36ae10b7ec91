// memscope-report: turns a MEMSCOPE_OUTPUT report into tables.
#include "report_model.hpp"
#include "text_tables.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

constexpr const char *kUsage =
    "usage: memscope-report [--top N] [--sort peak|live|allocated|retained|allocs] "
    "REPORT.json\n";

int fail(const std::string &message) {
  fmt::print(stderr, "memscope-report: {}\n", message);
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  using namespace memscope::report;
  TableOptions options;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      fmt::print("{}", kUsage);
      return 0;
    }
    if (arg == "--top" && i + 1 < argc) {
      std::string_view v = argv[++i];
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), options.top);
      if (ec != std::errc() || p != v.data() + v.size() || options.top == 0)
        return fail(fmt::format("--top takes a positive number, not '{}'", v));
    } else if (arg == "--sort" && i + 1 < argc) {
      std::string key = argv[++i];
      if (!parse_sort_key(key, options.sort))
        return fail(fmt::format("--sort takes peak, live, allocated, retained "
                                "or allocs, not '{}'",
                                key));
    } else if (!arg.empty() && arg[0] == '-') {
      return fail(fmt::format("unknown option '{}'\n{}", arg, kUsage));
    } else if (path.empty()) {
      path = arg;
    } else {
      return fail(fmt::format("one report file at a time ('{}' and '{}')",
                              path, arg));
    }
  }
  if (path.empty())
    return fail(fmt::format("no report file given\n{}", kUsage));

  try {
    Report report = load_report(path);
    print_text_report(stdout, report, options);
  } catch (const ReportError &e) {
    return fail(fmt::format("{}: {}", path, e.what()));
  }
  return 0;
}
