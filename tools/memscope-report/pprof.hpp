// --pprof OUT.pb.gz: the report as a pprof profile (profile.proto, gzipped)
// that `go tool pprof`, Pyroscope and Grafana read. Sample types
// alloc_objects, alloc_space, inuse_objects, inuse_space; one sample per
// (task root, site) (root_sites.hpp), whose stack is the site, then the
// task root coroutine; labels task_type and task_root.
#pragma once
#include "report_model.hpp"

#include <string>

namespace memscope::report {

// The serialized profile, not yet compressed.
std::string pprof_profile(const Report &r);

// Writes pprof_profile(r) gzipped to `path`; false with `error` set when
// the file cannot be written.
bool write_pprof(const Report &r, const std::string &path, std::string &error);

} // namespace memscope::report
