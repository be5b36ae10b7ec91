#include "pprof.hpp"
#include "aggregate.hpp"
#include "root_sites.hpp"

#include "profile.pb.h" // generated from Debian's pprof profile.proto

#include <fmt/format.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <unordered_map>

namespace memscope::report {
namespace {

namespace pb = perftools::profiles;

// profile.proto refers to every string by its index in one table.
class Strings {
public:
  explicit Strings(pb::Profile &p) : p_(p) { (void)id(""); }
  std::int64_t id(const std::string &s) {
    auto [it, added] = ids_.emplace(s, static_cast<std::int64_t>(ids_.size()));
    if (added)
      p_.add_string_table(s);
    return it->second;
  }

private:
  pb::Profile &p_;
  std::unordered_map<std::string, std::int64_t> ids_;
};

class Builder {
public:
  explicit Builder(pb::Profile &p) : p_(p), strings_(p) {}

  void sample_type(const char *type, const char *unit) {
    pb::ValueType *v = p_.add_sample_type();
    v->set_type(strings_.id(type));
    v->set_unit(strings_.id(unit));
  }
  std::int64_t str(const std::string &s) { return strings_.id(s); }

  // One location per (function, file, line); functions by (name, file).
  std::uint64_t location(const std::string &function, const std::string &file,
                         std::uint32_t line) {
    auto [it, added] = locations_.emplace(std::make_tuple(function, file, line),
                                          locations_.size() + 1);
    if (added) {
      pb::Location *loc = p_.add_location();
      loc->set_id(it->second);
      pb::Line *l = loc->add_line();
      l->set_function_id(function_id(function, file, line));
      l->set_line(line);
    }
    return it->second;
  }

private:
  std::uint64_t function_id(const std::string &name, const std::string &file,
                            std::uint32_t line) {
    auto [it, added] =
        functions_.emplace(std::make_pair(name, file), functions_.size() + 1);
    if (added) {
      pb::Function *f = p_.add_function();
      f->set_id(it->second);
      f->set_name(strings_.id(name));
      f->set_system_name(strings_.id(name));
      f->set_filename(strings_.id(file));
      f->set_start_line(line);
    }
    return it->second;
  }

  pb::Profile &p_;
  Strings strings_;
  std::map<std::tuple<std::string, std::string, std::uint32_t>, std::uint64_t>
      locations_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> functions_;
};

std::int64_t i64(std::uint64_t v) {
  return static_cast<std::int64_t>(std::min<std::uint64_t>(v, INT64_MAX));
}

} // namespace

std::string pprof_profile(const Report &r, std::int64_t written_ns) {
  pb::Profile profile;
  Builder b(profile);
  b.sample_type("alloc_objects", "count");
  b.sample_type("alloc_space", "bytes");
  b.sample_type("inuse_objects", "count");
  b.sample_type("inuse_space", "bytes");
  // pprof opens a heap profile on what is in use, as it does Go's; the
  // period type says "heap" to tools that sort profiles by kind.
  profile.set_default_sample_type(b.str("inuse_space"));
  pb::ValueType *period = profile.mutable_period_type();
  period->set_type(b.str("space"));
  period->set_unit(b.str("bytes"));
  profile.set_period(1);
  // The run: from the program's start to the report.
  const auto uptime = static_cast<std::int64_t>(
      std::min<std::uint64_t>(r.summary.uptime_ns, INT64_MAX));
  if (written_ns > uptime) {
    profile.set_time_nanos(written_ns - uptime);
    profile.set_duration_nanos(uptime);
  }

  // Where each root coroutine is defined: the stack's outer frame.
  std::unordered_map<std::string, SourceLoc> root_at;
  for (const Task &t : r.tasks)
    root_at.emplace(readable(t.name), t.root_site);

  const std::int64_t type_key = b.str("task_type");
  const std::int64_t root_key = b.str("task_root");
  for (const RootSite &rs : root_sites(r)) {
    pb::Sample *s = profile.add_sample();
    const Site &site = *rs.site;
    const std::string function = readable(site.function);
    // The root's frame first, so that its function starts at its
    // definition (empty for kNoRoot); the stack lists the site first.
    // (Exact reports name it in the pair: its tasks may all be folded.)
    const SourceLoc &at =
        rs.root_loc.file.empty() ? root_at[rs.root] : rs.root_loc;
    const std::uint64_t root_frame = b.location(rs.root, at.file, at.line);
    s->add_location_id(b.location(function.empty() || function == "<unknown>"
                                      ? "[unknown site]"
                                      : function,
                                  site.loc.file, site.loc.line));
    s->add_location_id(root_frame);
    s->add_value(i64(rs.allocs));
    s->add_value(i64(rs.allocated));
    s->add_value(i64(rs.allocs - rs.frees));
    s->add_value(i64(rs.live));
    pb::Label *type = s->add_label();
    type->set_key(type_key);
    type->set_str(b.str(rs.type.empty() ? "Unknown" : rs.type));
    pb::Label *root = s->add_label();
    root->set_key(root_key);
    root->set_str(b.str(rs.root));
  }
  return profile.SerializeAsString();
}

bool write_pprof(const Report &r, const std::string &path,
                 std::int64_t written_ns, std::string &error) {
  const std::string bytes = pprof_profile(r, written_ns);
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f) {
    error = fmt::format("cannot write '{}': {}", path,
                        std::strerror(errno ? errno : EIO));
    return false;
  }
  const bool ok =
      bytes.empty() ||
      gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) ==
          static_cast<int>(bytes.size());
  if (gzclose(f) != Z_OK || !ok) {
    error = fmt::format("cannot write '{}': {}", path,
                        std::strerror(errno ? errno : EIO));
    return false;
  }
  return true;
}

} // namespace memscope::report
