# kith: the two commands a new user runs, and a few more for developers.
#   make demo    install what is missing, build, run `kith demo`
#   make check   install what is missing, build, run the whole test suite

BUILD      ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= 2
CMAKE_ARGS ?=

.PHONY: all deps build demo check asan bench clean install

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

demo: build
	@./$(BUILD)/kith demo

check: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The unit and end-to-end tests under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKITH_SANITIZE=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build build-asan -j$(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest -L 'unit|e2e|salesforce|google|microsoft' --output-on-failure -j$(JOBS)

# /usr/local/bin/kith, its systemd unit and docs (PREFIX=/usr/local; docs/operations.md).
PREFIX ?= /usr/local
install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) build-asan
