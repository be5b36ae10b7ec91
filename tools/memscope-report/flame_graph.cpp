#include "flame_graph.hpp"
#include "root_sites.hpp"

#include <algorithm>
#include <map>

namespace memscope::report {
namespace {

using nlohmann::json;

struct Node {
  std::uint64_t allocated = 0, live = 0;
  json children = json::array();
};

json leaf(const RootSite &rs) {
  return {{"n", SiteRow{rs.site->loc.file, "", rs.site->loc.line}.where()},
          {"a", rs.allocated},
          {"l", rs.live}};
}

// A node is at least as wide as its children (a site attributed to a root
// by its function may have allocated for other tasks too).
json close(std::string name, Node &node) {
  std::uint64_t a = 0, l = 0;
  for (const json &c : node.children) {
    a += c["a"].get<std::uint64_t>();
    l += c["l"].get<std::uint64_t>();
  }
  return {{"n", std::move(name)},
          {"a", std::max(node.allocated, a)},
          {"l", std::max(node.live, l)},
          {"c", std::move(node.children)}};
}

} // namespace

json flame_tree(const Report &r, const Views &v) {
  // root function -> its sites (largest first, as root_sites() orders them)
  std::map<std::string, std::vector<const RootSite *>> by_root;
  const std::vector<RootSite> sites = root_sites(r);
  for (const RootSite &rs : sites)
    by_root[rs.root].push_back(&rs);

  std::map<std::string, std::map<std::string, Node>> types; // type -> root
  for (const Group &g : v.by_function) {
    Node &n = types[g.type][g.key];
    n.allocated = g.allocated;
    n.live = g.live;
  }
  for (auto &[type, roots] : types)
    for (auto &[root, node] : roots) {
      auto it = by_root.find(root);
      if (it == by_root.end())
        continue;
      for (std::size_t i = 0; i < it->second.size() && i < kFlameSitesPerRoot;
           ++i)
        node.children.push_back(leaf(*it->second[i]));
    }
  // Sites in functions that are no task root: per function, under a
  // "type" of their own.
  if (auto it = by_root.find(kNoRoot); it != by_root.end()) {
    auto &functions = types[kNoRoot];
    for (const RootSite *rs : it->second) {
      Node &n = functions[readable(rs->site->function)];
      n.allocated += rs->allocated;
      n.live += rs->live;
      if (n.children.size() < kFlameSitesPerRoot)
        n.children.push_back(leaf(*rs));
    }
  }

  // Memory allocated outside any task (exact reports only): its own branch.
  if (auto it = by_root.find(kNoTask); it != by_root.end()) {
    Node &n = types[kNoTask][kNoTask];
    for (const RootSite *rs : it->second) {
      n.allocated += rs->allocated;
      n.live += rs->live;
      if (n.children.size() < kFlameSitesPerRoot)
        n.children.push_back(leaf(*rs));
    }
  }

  Node all;
  for (auto &[type, roots] : types) {
    Node t;
    for (auto &[root, node] : roots)
      t.children.push_back(close(root, node));
    all.children.push_back(close(type.empty() ? "Unknown" : type, t));
  }
  return close("all memory", all);
}

} // namespace memscope::report
