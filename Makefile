# Thin wrapper over CMake presets: the README's two commands are
#   make demo   — install what is missing, build, run the instrumented demo
#   make test   — install what is missing, build, run every test (ctest)
BUILD := build
DEMO_REPORT := $(BUILD)/demo-report.json

.PHONY: all deps configure build demo test bench stress install clean fuzz-report

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
	cmake --build --preset default --target memscope_bench memscope-report
	python3 bench/run_bench.py --build $(BUILD) $(BENCH_ARGS)

# Long reliability runs (docs/reliability.md): a million tasks on 8 threads,
# then every end-to-end and reliability program under ASan+UBSan and TSan.
# The sanitized unit tests are part of `make test` already.
stress: build
	ctest --test-dir $(BUILD) -L stress --output-on-failure

install: build
	cmake --install $(BUILD) --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf $(BUILD)

# libFuzzer on memscope-report's reader, for a bounded time (FUZZ_SECONDS),
# starting from the report JSON the tests use as seeds.
FUZZ_SECONDS ?= 60
fuzz-report: configure
	cmake --build $(BUILD) --target memscope_report_fuzz
	mkdir -p $(BUILD)/fuzz-report/corpus
	cp test/exporters/Inputs/*.json $(BUILD)/fuzz-report/corpus/
	$(BUILD)/tools/memscope-report/memscope_report_fuzz -max_total_time=$(FUZZ_SECONDS) \
	  -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	  -artifact_prefix=$(BUILD)/fuzz-report/ $(BUILD)/fuzz-report/corpus
