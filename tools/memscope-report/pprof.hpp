// --pprof OUT.pb.gz: the report as a pprof profile (profile.proto, gzipped)
// that `go tool pprof`, Pyroscope and Grafana read. Sample types
// alloc_objects, alloc_space, inuse_objects, inuse_space; one sample per
// (task root, site) (root_sites.hpp), whose stack is the site, then the
// task root coroutine; labels task_type and task_root.
#pragma once
#include "report_model.hpp"

#include <cstdint>
#include <string>

namespace memscope::report {

// The serialized profile, not yet compressed. `written_ns` (wall clock,
// since the epoch; 0 if unknown) is when the report was written: the
// profile's time, which Pyroscope files it under.
std::string pprof_profile(const Report &r, std::int64_t written_ns = 0);

// Writes pprof_profile(r, written_ns) gzipped to `path`; false with
// `error` set when the file cannot be written.
bool write_pprof(const Report &r, const std::string &path,
                 std::int64_t written_ns, std::string &error);

} // namespace memscope::report
