// memscope-report: turns a MEMSCOPE_OUTPUT report into tables (default),
// JSON for scripts (--json), a self-contained HTML page (--html OUT.html),
// a pprof profile (--pprof OUT.pb.gz), or a comparison of two runs
// (--diff A.json B.json).
#include "aggregate.hpp"
#include "diff.hpp"
#include "html_report.hpp"
#include "json_output.hpp"
#include "pprof.hpp"
#include "report_model.hpp"
#include "text_tables.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr const char *kUsage =
    "usage: memscope-report [--top N] [--sort "
    "peak|live|allocated|retained|allocs]\n"
    "                       [--json | --html OUT.html] [--pprof OUT.pb.gz]\n"
    "                       REPORT.json\n"
    "       memscope-report [--top N] [--json] --diff A.json B.json\n";

int fail(const std::string &message) {
  fmt::print(stderr, "memscope-report: {}\n", message);
  return 2;
}

// Loads one report; on error returns "FILE: problem".
std::string try_load(const std::string &path, memscope::report::Report &out,
                     memscope::report::ReadMode mode) {
  try {
    out = memscope::report::load_report(path, mode);
    return {};
  } catch (const memscope::report::ReportError &e) {
    return fmt::format("{}: {}", memscope::report::printable(path), e.what());
  } catch (const std::exception &e) {
    // A report so large that it does not fit in memory, for one.
    return fmt::format("{}: cannot be read: {}",
                       memscope::report::printable(path), e.what());
  }
}

bool load(const std::string &path, memscope::report::Report &out) {
  const std::string error =
      try_load(path, out, memscope::report::ReadMode::Tasks);
  if (!error.empty())
    fail(error);
  return error.empty();
}

// The two sides of --diff, read at the same time (each is one parser's
// pass over its file) and without their task lists, which --diff does not
// show. Only the first problem is reported, as with one file.
bool load_pair(const std::string &a_path, const std::string &b_path,
               memscope::report::Report &a, memscope::report::Report &b) {
  using memscope::report::ReadMode;
  std::string a_error;
  std::thread other([&] { a_error = try_load(a_path, a, ReadMode::Totals); });
  const std::string b_error = try_load(b_path, b, ReadMode::Totals);
  other.join();
  if (!a_error.empty() || !b_error.empty())
    fail(a_error.empty() ? b_error : a_error);
  return a_error.empty() && b_error.empty();
}

// When a file was last written (wall clock, ns since the epoch), or 0.
std::int64_t modified_ns(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return 0;
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 +
         st.st_mtim.tv_nsec;
}

bool write_file(const std::string &path, const std::string &text) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    fail(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
    return false;
  }
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) {
    fail(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
    return false;
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  using namespace memscope::report;
  TableOptions options;
  std::vector<std::string> paths;
  std::string html_out, pprof_out;
  bool json_out = false, diff = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      fmt::print("{}", kUsage);
      return 0;
    }
    const bool has_value = i + 1 < argc;
    if (arg == "--top" && has_value) {
      std::string_view v = argv[++i];
      auto [p, ec] =
          std::from_chars(v.data(), v.data() + v.size(), options.top);
      if (ec != std::errc() || p != v.data() + v.size() || options.top == 0)
        return fail(fmt::format("--top takes a positive number, not '{}'", v));
    } else if (arg == "--sort" && has_value) {
      std::string key = argv[++i];
      if (!parse_sort_key(key, options.sort))
        return fail(fmt::format("--sort takes peak, live, allocated, retained "
                                "or allocs, not '{}'",
                                key));
    } else if (arg == "--html" && has_value) {
      html_out = argv[++i];
    } else if (arg == "--pprof" && has_value) {
      pprof_out = argv[++i];
    } else if (arg == "--json") {
      json_out = true;
    } else if (arg == "--diff") {
      diff = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return fail(fmt::format("unknown option '{}' (or it needs a value)\n{}",
                              arg, kUsage));
    } else {
      paths.emplace_back(arg);
    }
  }
  if (json_out && !html_out.empty())
    return fail("--json and --html: choose one");
  if (json_out && !pprof_out.empty())
    return fail("--json and --pprof: choose one");
  if (diff) {
    if (paths.size() != 2 || !html_out.empty() || !pprof_out.empty())
      return fail(fmt::format("--diff compares two reports: --diff A.json "
                              "B.json\n{}",
                              kUsage));
    Report a, b;
    if (!load_pair(paths[0], paths[1], a, b))
      return 2;
    if (json_out)
      fmt::print("{}\n", diff_json(a, b, options.top).dump(2));
    else
      print_diff(stdout, a, b, options.top);
    return 0;
  }
  if (paths.empty())
    return fail(fmt::format("no report file given\n{}", kUsage));
  if (paths.size() > 1)
    return fail(fmt::format("one report file at a time ('{}' and '{}'); "
                            "--diff compares two",
                            paths[0], paths[1]));

  Report report;
  if (!load(paths[0], report))
    return 2;
  if (!pprof_out.empty()) {
    std::string error;
    if (!write_pprof(report, pprof_out, modified_ns(paths[0]), error))
      return fail(error);
    fmt::print(stderr, "memscope-report: wrote {}\n", pprof_out);
  }
  if (!html_out.empty()) {
    if (!write_file(html_out, render_html(report, paths[0])))
      return 2;
    fmt::print(stderr, "memscope-report: wrote {}\n", html_out);
  } else if (json_out) {
    fmt::print("{}\n", tables_json(report, options.sort, options.top)
                           .dump(2, ' ', false,
                                 nlohmann::json::error_handler_t::replace));
  } else if (pprof_out.empty()) {
    print_text_report(stdout, report, options);
  }
  return 0;
}
