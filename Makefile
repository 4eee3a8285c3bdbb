# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
NPM_STAMP := node_modules/.package-lock.json
WASM := core-wasm/build/core.wasm
WASM_SRC := $(shell find core-wasm/assembly -name '*.ts' 2>/dev/null)

.PHONY: install codegen build wasm run test bench lint typecheck clean

install: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NPM_STAMP)

codegen: install
	npx tsx scripts/codegen.ts

wasm: $(WASM)

$(WASM): $(WASM_SRC) $(NPM_STAMP)
	@if [ -f scripts/build-wasm.ts ]; then npx tsx scripts/build-wasm.ts; else echo "no core-wasm sources yet"; fi

build: install wasm

run: build
	DATA_DIR=$${DATA_DIR:-./data} npx tsx server/main.ts

test: build
	npx ava

bench: build
	npm run bench

lint: install
	npx redocly lint --config redocly.yaml specs/*.yaml

typecheck: install
	npx tsc --noEmit -p tsconfig.json

clean:
	rm -rf core-wasm/build .tmp
