# Two commands matter: `make run` and `make test`. Both set up the machine first
# (scripts/bootstrap.sh: Python 3.10, .venv, packages, the trained model), skipping what is done.

PYTHON := .venv/bin/python
BIN := .venv/bin
BOOTSTRAP := bash scripts/bootstrap.sh
# Python keeps compiled modules (.pyc) beside the sources. Where PYTHONDONTWRITEBYTECODE is set
# (some machines set it for everyone) and pip installs without compiling, every process would
# compile Rasa and TensorFlow again as it starts: about 10 s more for each Rasa process, and the
# tests start dozens. So every target lets Python write them.
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help bootstrap run serve cluster chat test train lint lock clean bench voices dashboard export erase purge

help: ## Show this list
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-10s %s\n", $$1, $$2 }'

bootstrap: ## Set up Python 3.10, .venv, packages and the model (skips what is done)
	@$(BOOTSTRAP)

# With TELEGRAM_BOT_TOKEN set, `make run` starts the Telegram bot instead of the terminal chat.
run: bootstrap ## Set everything up, start the servers and chat here (or on Telegram with a token)
	@$(PYTHON) -m bot.launcher chat

serve: bootstrap ## Set everything up and run both servers until Ctrl-C (REST webhook)
	@$(PYTHON) -m bot.launcher serve

# PostgreSQL (data in var/cluster), Redis, 2 Rasa servers with their action servers, and HAProxy
# on RASA_PORT (5005) in front: bot/cluster. Needs redis-server and haproxy (the bootstrap installs
# them as root).
cluster: bootstrap ## Run a cluster: 2 Rasa servers behind HAProxy, PostgreSQL, Redis (Ctrl-C stops)
	@$(PYTHON) -m bot.cluster

test: bootstrap ## Set everything up, then run every check and test
	@bash scripts/test.sh

# Accounts first: python -m dashboard.accounts add-team NAME --intake, then add-coordinator.
# Plain http on this computer, so DASHBOARD_INSECURE_HTTP=1 unless set (0 behind https).
dashboard: ## Run the coordinators' dashboard on DASHBOARD_HOST:DASHBOARD_PORT (127.0.0.1:8080)
	@[ -x $(PYTHON) ] || { echo "No .venv yet: run make bootstrap first" >&2; exit 1; }
	@PYTHONPATH=. DASHBOARD_INSECURE_HTTP=$${DASHBOARD_INSECURE_HTTP-1} $(PYTHON) -m dashboard

# A person's data (docs/privacy.md). WHO is the person as <channel>:<id>, e.g. telegram:123.
export: ## Everything held about WHO=<channel:id> as JSON and Easy Read PDF in var/exports
	@[ -x $(PYTHON) ] || { echo "No .venv yet: run make bootstrap first" >&2; exit 1; }
	@[ -n "$$WHO" ] || { echo 'Say whose data: make export WHO=telegram:123' >&2; exit 2; }
	@PYTHONPATH=. $(PYTHON) -m ras_core.privacy export "$$WHO"

erase: ## Erase every row and file about WHO=<channel:id>, with REASON="why"
	@[ -x $(PYTHON) ] || { echo "No .venv yet: run make bootstrap first" >&2; exit 1; }
	@[ -n "$$WHO" ] && [ -n "$$REASON" ] || { echo 'Say whose data and why: make erase WHO=telegram:123 REASON="they asked us to"' >&2; exit 2; }
	@PYTHONPATH=. $(PYTHON) -m ras_core.privacy erase "$$WHO" --reason "$$REASON"

purge: ## Delete what has been kept longer than the council's retention periods
	@[ -x $(PYTHON) ] || { echo "No .venv yet: run make bootstrap first" >&2; exit 1; }
	@PYTHONPATH=. $(PYTHON) -m ras_core.privacy purge

bench: bootstrap ## Time to first reply over Telegram (text, voice out, voice in); voice notes heard; dashboard pages; hostile input; a turn's cost beside a starter bot, and its action-server calls; the cluster
	@PYTHONPATH=. $(PYTHON) -m benchmarks.telegram_bench
	@PYTHONPATH=. $(PYTHON) -m benchmarks.voice_bench
	@PYTHONPATH=. $(PYTHON) -m benchmarks.voice_memory_bench
	@PYTHONPATH=. $(PYTHON) -m benchmarks.dashboard_bench
	@PYTHONPATH=. $(PYTHON) -m benchmarks.hostile_bench
	@PYTHONPATH=. $(PYTHON) -m benchmarks.turn_cost_bench
	@PYTHONPATH=. $(PYTHON) -m benchmarks.action_calls_bench
	@PYTHONPATH=. $(PYTHON) -m benchmarks.cluster_bench

voices: bootstrap ## Make a voice note of every fixed message now (fills the voice cache)
	@PYTHONPATH=. $(PYTHON) -m accessibility.voice.prerender --catalogue bot/telegram/messages.yml

train: ## Train the model again now
	@$(BOOTSTRAP) --force-train

lint: ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/mypy

lock: ## Regenerate constraints.txt from what is installed in .venv
	@{ \
	  echo "# Exact versions of every Python package, resolved together with Rasa 3.6.21 on Python 3.10."; \
	  echo "# Made by pip freeze --exclude-editable in .venv: regenerate with make lock."; \
	  echo "# scripts/bootstrap.sh installs with: pip install -r requirements.in -c constraints.txt"; \
	  $(PYTHON) -m pip freeze --exclude-editable | grep -viE '^pkg[-_]resources' ; \
	} > constraints.txt.new && mv constraints.txt.new constraints.txt
	@echo "constraints.txt: $$(grep -vc '^#' constraints.txt) packages"

clean: ## Remove var/ (logs and the local database), models/ and caches (keeps .venv)
	rm -rf var models .rasa results .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./.venv -prune -o -type d -name __pycache__ -exec rm -rf {} +
