#include "tasks/task_names.hpp"

#include "tasks/thread_state.hpp"

#include <atomic>
#include <mutex>
#include <string>
#include <unordered_map>

namespace memscope::detail {
namespace {

std::mutex g_mutex;
// Never destroyed: the exit report is written after static destructors.
std::unordered_map<std::uint64_t, std::string> *g_names = nullptr;
std::atomic<bool> g_any{false};

} // namespace

// fork() while another thread holds the mutex must not leave the child's
// copy locked forever.
void names_fork_prepare() noexcept { g_mutex.lock(); }
void names_fork_release() noexcept { g_mutex.unlock(); }

void name_task(std::uint64_t id, std::string_view name) noexcept {
  if (id == 0)
    return;
  InternalScope untracked; // the name is the runtime's memory
  try {
    std::lock_guard lock(g_mutex);
    if (!g_names)
      g_names = new std::unordered_map<std::uint64_t, std::string>();
    if (name.empty()) {
      g_names->erase(id);
      return;
    }
    // Cut on a UTF-8 character boundary, so the report stays valid JSON.
    std::size_t keep = name.size();
    if (keep > kMaxTaskName) {
      keep = kMaxTaskName;
      while (keep > 0 &&
             (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80)
        --keep;
    }
    (*g_names)[id] = std::string(name.substr(0, keep));
    g_any.store(true, std::memory_order_release);
  } catch (...) {
    // Out of memory: the task stays unnamed; the program is unaffected.
  }
}

void forget_task_name(std::uint64_t id) noexcept {
  if (!g_any.load(std::memory_order_acquire))
    return;
  InternalScope untracked;
  std::lock_guard lock(g_mutex);
  g_names->erase(id);
}

void fill_task_names(std::vector<TaskProfile> &tasks) {
  if (!g_any.load(std::memory_order_acquire))
    return;
  InternalScope untracked;
  std::lock_guard lock(g_mutex);
  if (g_names->empty())
    return;
  for (TaskProfile &t : tasks)
    if (auto it = g_names->find(t.id); it != g_names->end())
      t.label = it->second;
}

std::size_t task_name_count() noexcept {
  std::lock_guard lock(g_mutex);
  return g_names ? g_names->size() : 0;
}

} // namespace memscope::detail

namespace memscope {

void set_task_name(std::string_view name) noexcept {
  detail::name_task(current_task_id(), name);
}

void set_task_name(std::uint64_t task_id, std::string_view name) noexcept {
  detail::name_task(task_id, name);
}

} // namespace memscope
