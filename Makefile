# Hands-on Kubernetes demos on minikube. Run `make` for the list of targets.
# Keeps to GNU Make 3.81 and POSIX sh, which is what macOS ships.

.DEFAULT_GOAL := help
SHELL := /bin/sh

# minikube profile the demos own; every kubectl call names its context.
PROFILE ?= k8s-demo
# CPUs and memory (MB) of the profile when the demos start it.
CPUS ?= 2
MEMORY ?= 4096
# Kubernetes version of the profile (empty: the one demos/settings.py pins).
K8S_VERSION ?=
# Pause between demo steps: auto (only with a terminal), 1 or 0.
PAUSE ?= auto
# PLAN=1 prints a demo's commands without running anything.
PLAN ?=
# Python for the demo drivers (3.9 or newer; the one macOS ships works).
DEMO_PYTHON ?= python3
# Python for the apps and the tests (3.11 or newer).
PYTHON ?= python3
# Where demos write their results (the HPA timeline and chart).
OUT_DIR ?= out
export PROFILE CPUS MEMORY K8S_VERSION PAUSE PLAN OUT_DIR
# The HPA demo's load reads LOAD_USERS, LOAD_SPAWN_RATE, LOAD_DURATION (s),
# LOAD_CPU_MS, LOAD_USER_RPS and LOAD_CLOSE_CONNECTIONS from the environment;
# hpa/README.md describes them (for example: make demo-hpa LOAD_USERS=12).

DEMO_VENV := .venv-demo
VENV := .venv
DEMO := $(DEMO_VENV)/bin/python -m demos
PYTEST := $(VENV)/bin/pytest
YAML_DIRS := replicaset hpa ipc ingress control-plane declarative

##@ Setup

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} \
	/^##@/ {printf "\n%s\n", substr($$0, 5)} \
	/^[a-zA-Z0-9_-]+:.*## / {printf "  %-20s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo ""
	@echo "Knobs: PROFILE=$(PROFILE) CPUS=$(CPUS) MEMORY=$(MEMORY) K8S_VERSION=$(or $(K8S_VERSION),<pinned>)"
	@echo "       PAUSE=$(PAUSE) PLAN=1 (print only) OUT_DIR=$(OUT_DIR)"
	@echo "       DEMO_PYTHON=$(DEMO_PYTHON) PYTHON=$(PYTHON)"

$(DEMO_VENV)/.installed: demos/requirements.txt
	@command -v $(DEMO_PYTHON) >/dev/null 2>&1 || { \
	  echo "error: $(DEMO_PYTHON) not found. The demo drivers need Python 3.9 or newer."; \
	  echo "  macOS: xcode-select --install (ships python3), or brew install python"; \
	  echo "  Linux: sudo apt-get install python3 python3-venv (or your distribution's package)"; \
	  exit 2; }
	@$(DEMO_PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 9))' || { \
	  echo "error: $(DEMO_PYTHON) is older than 3.9; set DEMO_PYTHON to a newer one."; exit 2; }
	$(DEMO_PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DEMO_VENV)/bin/python -m pip install --quiet -r demos/requirements.txt
	@touch $@

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 && \
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "error: the apps and tests need Python 3.11 or newer; PYTHON=$(PYTHON) is missing or older."; \
	  echo "  macOS: brew install python@3.12, then make test PYTHON=python3.12"; \
	  echo "         (or: uv python install 3.12, then make test PYTHON=\"\$$(uv python find 3.12)\")"; \
	  echo "  Linux: sudo apt-get install python3.11-venv (or newer), or uv as above"; \
	  exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet '.[test]'
	@touch $@

.PHONY: setup
setup: $(DEMO_VENV)/.installed $(VENV)/.installed ## Create both virtual environments

.PHONY: check
check: $(DEMO_VENV)/.installed ## Check Docker, minikube and kubectl; list every problem at once
	$(DEMO) check

.PHONY: prefetch
prefetch: $(DEMO_VENV)/.installed ## Download and build everything ahead (for a workshop)
	$(DEMO) prefetch

##@ Cluster

.PHONY: up
up: $(DEMO_VENV)/.installed ## Start the demos' minikube profile (skips if running)
	$(DEMO) up

.PHONY: status
status: $(DEMO_VENV)/.installed ## Show the profile's status
	$(DEMO) status

.PHONY: images
images: $(DEMO_VENV)/.installed ## Build every image inside the minikube node
	$(DEMO) build

.PHONY: down
down: $(DEMO_VENV)/.installed ## Delete the demos' minikube profile
	$(DEMO) down

##@ Demos

.PHONY: demo-replicaset
demo-replicaset: $(DEMO_VENV)/.installed ## Self-healing, scaling, rolling update and rollback
	$(DEMO) run replicaset

.PHONY: demo-hpa
demo-hpa: $(DEMO_VENV)/.installed ## Autoscaling on CPU under locust load, with a chart
	$(DEMO) run hpa

.PHONY: demo-ipc
demo-ipc: $(DEMO_VENV)/.installed ## API -> Redis -> workers: shared jobs, redelivery, durable queue
	$(DEMO) run ipc

.PHONY: demo-ingress
demo-ingress: $(DEMO_VENV)/.installed ## Host, wildcard and path routing through ingress-nginx
	$(DEMO) run ingress

.PHONY: demo-control-plane
demo-control-plane: $(DEMO_VENV)/.installed ## Map the control plane diagram to the cluster; watch a controller
	$(DEMO) run control-plane

.PHONY: demo-declarative
demo-declarative: $(DEMO_VENV)/.installed ## apply vs create, diff, pruning, drift repair
	$(DEMO) run declarative

##@ Apps

.PHONY: run-web
run-web: $(VENV)/.installed ## Serve the web app on http://127.0.0.1:8080 without Kubernetes
	PYTHONPATH=apps/web HOST=127.0.0.1 $(VENV)/bin/python -m web

.PHONY: run-ipc
run-ipc: $(VENV)/.installed ## Run Redis, the API and a worker on localhost (needs redis-server)
	$(VENV)/bin/python -m demos.ipc.local

##@ Test

# npm packages of the Gateway API model check; without npm those tests skip.
GATEWAY_MODULES := tests/gateway/node_modules/.package-lock.json
$(GATEWAY_MODULES): tests/gateway/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/gateway --no-audit --no-fund; \
	else echo "npm not found: the Gateway API model tests skip (install Node.js 22, or 20 with a warning)"; fi

.PHONY: test
test: lint $(GATEWAY_MODULES) ## Run every test tier that needs no cluster (lint included)
	$(PYTEST) tests

.PHONY: lint
lint: $(VENV)/.installed ## Lint Python (ruff, vermin), YAML (yamllint), Dockerfiles (hadolint)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/yamllint --strict $(wildcard $(YAML_DIRS)) .yamllint
	$(PYTEST) -q tests/test_lint.py

.PHONY: test-containers
test-containers: $(VENV)/.installed ## Build and run every image in Docker (Linux; start one with .ci/start-dockerd)
	$(PYTEST) -m containers tests/containers

.PHONY: bench
bench: $(VENV)/.installed ## Benchmark the apps beside baselines on loopback; rewrites docs/benchmarks.md
	$(VENV)/bin/python -m bench

.PHONY: e2e
e2e: $(VENV)/.installed ## Run the demos against the profile's cluster and check their claims
	$(PYTEST) -m e2e tests/e2e

##@ Cleanup

.PHONY: clean-replicaset
clean-replicaset: $(DEMO_VENV)/.installed ## Delete the ReplicaSet demo's namespace and wait
	$(DEMO) clean replicaset

.PHONY: clean-hpa
clean-hpa: $(DEMO_VENV)/.installed ## Stop the load and delete the HPA demo's namespace
	$(DEMO) clean hpa

.PHONY: clean-ipc
clean-ipc: $(DEMO_VENV)/.installed ## Delete the IPC demo's namespace, claims and volumes, and wait
	$(DEMO) clean ipc

.PHONY: clean-ingress
clean-ingress: $(DEMO_VENV)/.installed ## Delete the Ingress demo's namespace (the addon stays)
	$(DEMO) clean ingress

.PHONY: clean-control-plane
clean-control-plane: $(DEMO_VENV)/.installed ## Delete the control plane demo's namespace
	$(DEMO) clean control-plane

.PHONY: clean-declarative
clean-declarative: $(DEMO_VENV)/.installed ## Delete the declarative demo's namespace and working copy
	$(DEMO) clean declarative

.PHONY: clean
clean: $(DEMO_VENV)/.installed ## Clean up every demo (the profile stays; see down)
	@for demo in $$($(DEMO) list); do $(DEMO) clean $$demo || exit 1; done

.PHONY: distclean
distclean: ## Remove the virtual environments, caches and demo results
	rm -rf $(DEMO_VENV) $(VENV) $(OUT_DIR) .cache tests/gateway/node_modules *.egg-info
