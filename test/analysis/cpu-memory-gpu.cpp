// No I/O: computation -> CpuIntensive, large allocations -> MemoryIntensive
// (threshold 64 KiB), CUDA/OpenCL calls -> GpuCompute; nothing -> Unknown.
// RUN: %memscope_cxx -I%S/Inputs -fsyntax-only -fplugin-arg-memscope-explain %s 2>&1 | FileCheck %s
#include <algorithm>
#include <boost/asio.hpp>
#include <cmath>
#include <vector>
namespace asio = boost::asio;
using asio::awaitable;
extern "C" int cudaMalloc(void **p, unsigned long n);

awaitable<double> crunch(int n) { //@crunch
  double acc = 0;
  for (int i = 0; i < n; ++i) //@loop
    acc += std::sqrt(i) * 0.5; //@sqrt
  co_return acc;
}

awaitable<void> sorter(std::vector<int> v) { //@sorter
  std::sort(v.begin(), v.end()); //@sort
  co_return;
}

awaitable<void> buffers() { //@buf
  std::vector<char> big(1 << 20); //@big
  char *raw = new char[4096];
  delete[] raw;
  co_return;
}

awaitable<void> small_alloc() { //@small
  std::vector<char> v(100);
  co_return;
}

awaitable<void> gpu() { //@gpu
  void *p = nullptr;
  cudaMalloc(&p, 1024); //@cuda
  co_return;
}

awaitable<void> nothing() { co_return; } //@nothing

int main() {
  asio::io_context io;
  asio::co_spawn(io, crunch(1000), asio::detached);
  asio::co_spawn(io, sorter({3, 1, 2}), asio::detached);
  asio::co_spawn(io, buffers(), asio::detached);
  asio::co_spawn(io, small_alloc(), asio::detached);
  asio::co_spawn(io, gpu(), asio::detached);
  asio::co_spawn(io, nothing(), asio::detached);
}

// CHECK: cpu-memory-gpu.cpp:12:19: remark: memscope: 'crunch' is a task root {{.*}}; type CpuIntensive: calls std::sqrt at {{.*}}cpu-memory-gpu.cpp:15:12
// CHECK: cpu-memory-gpu.cpp:19:17: remark: memscope: 'sorter' is a task root {{.*}}; type CpuIntensive: calls std::sort at {{.*}}cpu-memory-gpu.cpp:20:3
// CHECK: cpu-memory-gpu.cpp:24:17: remark: memscope: 'buffers' is a task root {{.*}}; type MemoryIntensive: allocates 1048576 bytes at {{.*}}cpu-memory-gpu.cpp:25:21
// CHECK: cpu-memory-gpu.cpp:31:17: remark: memscope: 'small_alloc' is a task root {{.*}}; type Unknown: no I/O, computation or allocation evidence found
// CHECK: cpu-memory-gpu.cpp:36:17: remark: memscope: 'gpu' is a task root {{.*}}; type GpuCompute: calls cudaMalloc at {{.*}}cpu-memory-gpu.cpp:38:3
// CHECK: cpu-memory-gpu.cpp:42:17: remark: memscope: 'nothing' is a task root {{.*}}; type Unknown: no I/O, computation or allocation evidence found
