# Thin wrapper over CMake presets: the README's two commands are
#   make demo   — install what is missing, build, run the instrumented demo
#   make test   — install what is missing, build, run every test (ctest)
BUILD := build
DEMO_REPORT := $(BUILD)/demo-report.json

.PHONY: all deps configure build demo test bench install clean

all: build

deps:
	scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake --preset default

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build --preset default

demo: build
	MEMSCOPE_OUTPUT=$(DEMO_REPORT) $(BUILD)/examples/echo_server
	$(BUILD)/bin/memscope-report $(DEMO_REPORT)

test: build
	ctest --preset default

# Benchmarks against the uninstrumented builds (docs/performance.md); takes
# several minutes. BENCH_ARGS=--quick for a short smoke run.
bench: configure
	cmake --build --preset default --target memscope_bench
	python3 bench/run_bench.py --build $(BUILD) $(BENCH_ARGS)

install: build
	cmake --install $(BUILD) --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf $(BUILD)
