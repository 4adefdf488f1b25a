# Chartroom's build, test and run targets. `make help` lists them.
SHELL := /bin/bash
GO ?= go
STATICCHECK_VERSION := v0.8.2
BIN := bin/chartroom
DB ?=
# System packages Fyne needs to build on Debian/Ubuntu, plus the tools the
# tests use to look at what Chartroom makes (PDF text, barcodes, a screen),
# and the PostgreSQL server the PostgreSQL store's tests start a throwaway
# cluster of.
APT_PACKAGES := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev \
	xvfb xauth xdotool imagemagick poppler-utils zbar-tools sqlite3 x11-utils tesseract-ocr \
	postgresql
# What make dist and make windows-test need besides: the mingw-w64 cross
# compiler (Fyne's Windows build is cgo), NSIS, zip, dpkg-shlibdeps, and
# Wine to run the installer and the program.
DIST_APT_PACKAGES := gcc-mingw-w64-x86-64 nsis zip xz-utils dpkg-dev imagemagick wine64 \
	xvfb xauth xdotool poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The version, written once in FyneApp.toml; the release files carry it.
VERSION := $(shell sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\(.*\)"[[:space:]]*$$/\1/p' FyneApp.toml)
SETUP := dist/chartroom-$(VERSION)-windows-amd64-setup.exe
# Fyne parses its colour emoji font once more for every text style the app
# draws (the README says how much memory that costs). A record room shows no
# emoji; every go command of this Makefile leaves it out.
ifeq ($(findstring no_emoji,$(GOFLAGS)),)
export GOFLAGS := $(strip $(GOFLAGS) -tags=no_emoji)
endif

.PHONY: help deps dist-deps tools build run demo test lint unit fuzz-short e2e dist windows-test fuzz long bench bench-quick bench-quick-pg bench-go clean

help:
	@echo "make run     install what the build needs, build, and open the app (DB=FILE to choose the database)"
	@echo "make test    every check CI runs: gofmt, go vet, staticcheck, go test -race, fuzz seeds and 5,000 inputs of each fuzz target, GUI under Xvfb, the Windows installer under Wine"
	@echo "make dist    the release files in dist/: Windows installer and zip, Linux tar.xz and .deb (version from FyneApp.toml)"
	@echo "make windows-test  make dist, then the Windows installer and program under Wine and Xvfb (screenshots in \$$OUT, printed)"
	@echo "make demo    create a demo database at /tmp/chartroom-demo.db and open the app on it"
	@echo "make e2e     the end-to-end suite: the built app driven under Xvfb, screenshots in \$$OUT (printed)"
	@echo "make fuzz    run each fuzz target for FUZZTIME (default 10m); make fuzz-short: 5,000 inputs each (CI)"
	@echo "make long    the long crash (100 kills) and two-writer (1 minute) tests"
	@echo "make bench   build a 1,000,000-patient practice and print the performance table (~35 min, more with the PostgreSQL column), with a PostgreSQL column when PostgreSQL is installed"
	@echo "make bench-quick  the same table on a 50,000-patient practice (under 3 min on an idle machine)"
	@echo "make bench-quick-pg  bench-quick with the PostgreSQL column (a throwaway server)"
	@echo "make bench-go  run the Go benchmarks of the hot paths"

deps:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		$(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(APT_PACKAGES); \
	fi

dist-deps:
	@if ! dpkg -s $(DIST_APT_PACKAGES) >/dev/null 2>&1; then \
		$(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DIST_APT_PACKAGES); \
	fi

tools:
	@command -v staticcheck >/dev/null 2>&1 && staticcheck -version | grep -q "$(STATICCHECK_VERSION:v%=%)" || \
		$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

build: deps
	$(GO) build -o $(BIN) .

run: build
	./$(BIN) $(if $(DB),--db $(DB))

demo: build
	rm -f /tmp/chartroom-demo.db*
	./$(BIN) demo --db /tmp/chartroom-demo.db
	./$(BIN) --db /tmp/chartroom-demo.db

test: deps tools lint unit fuzz-short e2e windows-test

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	GOOS=windows $(GO) vet ./records/... ./ui/...
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" staticcheck ./...

# go test runs every fuzz target's seed corpus (and testdata/fuzz) as tests.
unit:
	$(GO) test -race -count=1 ./...

# The end-to-end suite (e2e_*_test.go): OUT=DIR keeps the screenshots there,
# E2E_RUN='TestE2E/1366x768/FindByName' runs one scenario.
e2e: build
	bash .ci/e2e.sh $(BIN)

# The release files (.ci/dist.sh): the Windows programs are cross-compiled
# with mingw-w64; the first build of Fyne's C parts for Windows takes about a
# quarter of an hour on two cores, later ones reuse Go's build cache.
dist: build dist-deps
	bash .ci/dist.sh $(BIN)

# The installer of make dist installed, run and uninstalled under Wine and
# Xvfb (.ci/windows.sh); OUT=DIR keeps the screenshots and the prefix there.
windows-test: dist
	bash .ci/windows.sh $(SETUP)

# Each fuzz target for FUZZTIME. A failing input is written to the
# package's testdata/fuzz/FuzzX folder: commit it, and every `go test` then
# runs it as a regression seed (that folder is the corpus CI keeps).
FUZZTIME ?= 10m
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

# What CI runs of fuzzing: every target for 5,000 inputs beyond its seeds
# (FuzzSearch, which commits an audited search per input, takes ~15 s; the
# others a second or two). A count, not a duration: with a duration, Go
# 1.26's fuzz coordinator can fail a target with a bare "context deadline
# exceeded" when time runs out on a loaded machine (go.dev/issue/75804,
# fixed in Go 1.27).
fuzz-short:
	$(MAKE) fuzz FUZZTIME=$(or $(SHORT_FUZZTIME),5000x)

# The long variants of the crash and two-writer tests: 100 kills, a minute
# of two processes writing.
long:
	CHARTROOM_LONG=1 $(GO) test -count=1 -run 'TestCrashSafety|TestTwoWriters' -v -timeout 30m ./records/sqlite/

# The performance table of the README: a 1,000,000-patient demo practice
# built in bulk, then search, check-out, import, report, audit check and
# the app under Xvfb (start, memory, the desk's latencies), each figure
# beside its floor measured in the same run (bare queries, a bare fdatasync,
# the sqlite3 tool's build and .import of the same rows, a bare gofpdf
# loop). Needs two cores and 15 GB of free disk in the temp folder.
BENCHFLAGS ?=
bench: build
	.ci/bench-pg.sh ./$(BIN) --gui .ci/bench-gui.sh $(BENCHFLAGS)

# The same table on 50,000 patients, fewer repetitions: for a reviewer.
bench-quick: build
	./$(BIN) bench --quick --gui .ci/bench-gui.sh $(BENCHFLAGS)

# bench-quick with the PostgreSQL column (a throwaway server): about two
# minutes more, most of it copying the practice into the server.
bench-quick-pg: build
	.ci/bench-pg.sh ./$(BIN) --quick --gui .ci/bench-gui.sh $(BENCHFLAGS)

# The Go benchmarks of the hot paths (go test -bench), for review.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin dist
