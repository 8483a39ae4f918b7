# FalaBLAU developer entry points. `make test` is the one command CI runs (.ci/run).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
NPM := npm --no-audit --no-fund --loglevel=error
JEST := node --experimental-vm-modules node_modules/jest/bin/jest.js
REPORTS := .infra/jest-main.json .infra/jest-faults.json

.PHONY: help install infra-up infra-down infra-status k8s-tools build lint typecheck unit e2e test clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# `npm install`, not `npm ci`: the registry reachable here serves no macOS/Windows builds of native
# packages, so their optional entries cannot be in the lockfile and `npm ci` refuses it as out of
# sync. `npm install` installs the locked versions all the same (docs/decisions.md).
install: ## Install npm dependencies (skipped when nothing changed)
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
	  || [ package.json -nt node_modules/.package-lock.json ]; then \
	  echo "[make] npm install"; $(NPM) install; else echo "[make] npm dependencies up to date"; fi

infra-up: ## Install (if missing) and start Postgres, Redis, Kafka and FerretDB on 127.0.0.1
	@scripts/infra/up.sh

infra-down: ## Stop the local servers (data is kept in .infra/)
	@scripts/infra/down.sh

infra-status: ## Show which local servers run, on which ports
	@scripts/infra/status.sh

k8s-tools: ## Build helm 3, helm 4 and kubectl-validate (go install) and gather CRDs, for the chart checks
	@scripts/k8s-tools/install.sh

build: install ## Compile every workspace
	@echo "[make] build"; $(NPM) run build

lint: build ## ESLint (type-aware, so after build) and Prettier
	@echo "[make] lint"; $(NPM) run lint

typecheck: build ## TypeScript, strict, every workspace
	@echo "[make] typecheck"; $(NPM) run typecheck

unit: build k8s-tools ## Every workspace's tests against the running local servers
	@mkdir -p .infra && rm -f $(REPORTS)
	@echo "[make] tests, phase 1: unit and integration against the real servers (parallel)"
	@status=0; JEST_PHASE=main $(JEST) --ci --json --outputFile=.infra/jest-main.json || status=$$?; \
	  echo "[make] tests, phase 2: fault tests that stop and restart shared servers (serial)"; \
	  JEST_PHASE=faults $(JEST) --ci --runInBand --passWithNoTests --json --outputFile=.infra/jest-faults.json || status=$$?; \
	  node scripts/test-summary.mjs $(REPORTS) && exit $$status

e2e: build ## Browser end-to-end tests: Debian chromium (installed if missing) against the standalone server
	@scripts/install-chromium.sh
	@echo "[make] browser end-to-end tests (playwright-core + chromium, npm start on a fresh DATA_DIR)"
	@mkdir -p .infra && rm -f .infra/jest-e2e.json
	@status=0; (cd e2e && node --experimental-vm-modules ../node_modules/jest/bin/jest.js --ci --runInBand \
	  --json --outputFile=../.infra/jest-e2e.json) || status=$$?; \
	  node scripts/test-summary.mjs .infra/jest-e2e.json && exit $$status

test: install infra-up k8s-tools lint typecheck unit security-api e2e k6-smoke test-faults-short bench-smoke ## The full suite: servers up, chart tools, lint, typecheck, all tests, browser tests, k6 smoke, short fault run, benchmark smoke
	@echo "[make] all phases"; node scripts/test-summary.mjs $(REPORTS) .infra/jest-e2e.json

clean: ## Remove build output (not data)
	rm -rf services/*/dist

# ── load testing (k6/, scripts/cluster, scripts/k6; docs/load-testing.md) ─────────────────────
.PHONY: cluster-up cluster-down cluster-status k6-tools k6-smoke

cluster-up: install ## Local cluster on 127.0.0.1: auth, 2 chat, archive behind nginx (starts servers, builds)
	@scripts/cluster/up.sh

cluster-down: ## Stop the local cluster (the servers of infra-up keep running)
	@scripts/cluster/down.sh

cluster-status: ## Show the local cluster's processes, ports and BASE_URL
	@scripts/cluster/status.sh

k6-tools: ## Build k6 (go install, pinned version) into ~/.cache/falablau/bin
	@scripts/k6/install.sh

k6-smoke: install ## Every k6 scenario, smoke profile, against a fresh local cluster (about a minute)
	@scripts/k6/smoke.sh

# ── reliability: the fault runner (faults/, docs/reliability.md) ────────────────────────────────
.PHONY: test-faults test-faults-short

FAULTS_BUILD := $(NPM) run build --silent -w @falablau/common -w @falablau/faults

test-faults: install infra-up ## Faults under load on a fresh local cluster (Kafka, Redis, Postgres restarts; SIGKILL/SIGSTOP): 0 lost, ≈ 2.5 min
	@echo "[make] test-faults: build"; $(FAULTS_BUILD)
	@node faults/dist/main.js

test-faults-short: install infra-up ## The same faults, smaller load and shorter pauses (≈ 1.5 min; part of make test)
	@echo "[make] test-faults-short: build"; $(FAULTS_BUILD)
	@node faults/dist/main.js --short

# ── security (scripts/security; docs/security.md) ──────────────────────────────────────────────
.PHONY: security-api

security-api: build ## schemathesis (PyPI) against auth's, chat's and archive's /openapi.json, real processes, valid tokens
	@scripts/security/schemathesis.sh

# ── benchmark: P1–P7 on the local cluster (bench/, scripts/bench; docs/performance.md) ──────────
.PHONY: bench bench-smoke

bench: install ## P1–P7 on a fresh local cluster, generator CPU apart (≈ 20 min, ~10 GB free disk): writes docs/performance.{md,json}
	@scripts/bench/bench.sh

bench-smoke: install ## Reduced P2 over both chat processes (≤ 60 s); last line: deliveries/s, p50, p99, lost; fails on loss
	@scripts/bench/smoke.sh
