# Thin wrapper over CMake presets: the README's two commands are
#   make demo   — install what is missing, build, run the instrumented demo
#   make test   — install what is missing, build, run every test (ctest)
BUILD := build
DEMO_REPORT := $(BUILD)/demo-report.json

.PHONY: all deps configure build demo test stress install clean

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

# Long reliability runs (docs/reliability.md): a million tasks on 8 threads,
# then every end-to-end and reliability program under ASan+UBSan and TSan.
# The sanitized unit tests are part of `make test` already.
stress: build
	ctest --test-dir $(BUILD) -L stress --output-on-failure

install: build
	cmake --install $(BUILD) --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf $(BUILD)
